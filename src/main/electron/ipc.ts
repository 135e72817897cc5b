import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { eventContract, invokeContract } from '@shared/bridge/contract'
import type { EventPayload, InvokeRequest, InvokeResponse } from '@shared/bridge/contract'
import type { EventChannelName, InvokeChannelName } from '@shared/bridge/channels'

// The main side of the bridge contract. Everything from the renderer is untrusted: the sender
// frame must be our own page and the payload must match the contract. Everything sent back is
// checked against the contract too, so the renderer can trust its types without re-validating.

/** One handler per invoke channel of the contract; leaving one out does not compile. */
export type InvokeHandlers = {
  [C in InvokeChannelName]: (
    request: InvokeRequest<C>
  ) => InvokeResponse<C> | Promise<InvokeResponse<C>>
}

/**
 * Registers a handler for every invoke channel behind the sender and payload checks; returns a
 * function that removes them again.
 */
export function registerInvokeHandlers(
  ipcMain: IpcMain,
  isTrustedUrl: (frameUrl: string) => boolean,
  handlers: InvokeHandlers
): () => void {
  const channels = Object.keys(invokeContract) as InvokeChannelName[]
  for (const channel of channels) {
    ipcMain.handle(channel, (event, ...args: unknown[]) =>
      handleInvoke(channel, event, args, isTrustedUrl, handlers[channel])
    )
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}

async function handleInvoke<C extends InvokeChannelName>(
  channel: C,
  event: IpcMainInvokeEvent,
  args: unknown[],
  isTrustedUrl: (frameUrl: string) => boolean,
  handler: InvokeHandlers[C]
): Promise<InvokeResponse<C>> {
  if (!isTrustedSender(event, isTrustedUrl)) {
    console.warn(`nebula-desktop: refused ${channel} from a frame that is not the dashboard`)
    throw new Error(`${channel}: sender not allowed`)
  }
  const contract = invokeContract[channel]
  // Errors name the channel only: the payload is untrusted and may be large or private.
  const request = args.length <= 1 ? contract.request.safeParse(args[0]) : null
  if (!request?.success) throw new Error(`${channel}: request does not match the contract`)
  const response = await handler(request.data as InvokeRequest<C>)
  return contract.response.parse(response) as InvokeResponse<C>
}

/** True when the message comes from the top frame of our own renderer page. */
function isTrustedSender(
  event: IpcMainInvokeEvent,
  isTrustedUrl: (frameUrl: string) => boolean
): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isTrustedUrl(frame.url)
}

/**
 * Sends one event channel's payloads to the windows attached to it. Each payload is checked
 * against the contract before it leaves main, and the latest one is sent again after every page
 * load, so a freshly loaded or reloaded dashboard never shows a stale state.
 */
export class EventPublisher<C extends EventChannelName> {
  private latest: EventPayload<C> | undefined
  private readonly targets = new Set<WebContents>()

  constructor(private readonly channel: C) {}

  /** Delivers this channel to `contents` from now on; returns a function that stops it. */
  attach(contents: WebContents): () => void {
    const replay = (): void => {
      if (this.latest !== undefined) this.sendTo(contents, this.latest)
    }
    const detach = (): void => {
      this.targets.delete(contents)
      contents.off('did-finish-load', replay)
    }
    this.targets.add(contents)
    contents.on('did-finish-load', replay)
    contents.once('destroyed', detach)
    return detach
  }

  /** Validates `payload` against the contract (throws when it breaks it), keeps it, sends it. */
  publish(payload: EventPayload<C>): void {
    const checked = eventContract[this.channel].parse(payload) as EventPayload<C>
    this.latest = checked
    for (const contents of this.targets) this.sendTo(contents, checked)
  }

  private sendTo(contents: WebContents, payload: EventPayload<C>): void {
    if (!contents.isDestroyed()) contents.send(this.channel, payload)
  }
}
