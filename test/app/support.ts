import type { BridgeResult, InvokeRequest, InvokeResponse } from '@shared/bridge/contract'
import type { InvokeMethod } from '@shared/bridge/channels'
import type { EventBatch, BridgeEvent, Snapshot } from '@shared/bridge/views'
import type { BridgeHost } from '@main/app/bridge-host'
import type { TestApp } from '../fixtures/app'
import { waitUntil } from '../helpers/wait'

// Helpers for the app-service tests: typed calls through the bridge host (validated exactly as
// the transports do) and a recorder of event batches.

/** Calls a command through the host; the result as the dashboard would receive it. */
export async function call<M extends InvokeMethod>(
  host: BridgeHost,
  method: M,
  ...request: InvokeRequest<M> extends undefined ? [] : [InvokeRequest<M>]
): Promise<BridgeResult<InvokeResponse<M>>> {
  return (await host.invoke(method, request[0])) as BridgeResult<InvokeResponse<M>>
}

/** Calls a command that must succeed; its value. */
export async function ok<M extends InvokeMethod>(
  host: BridgeHost,
  method: M,
  ...request: InvokeRequest<M> extends undefined ? [] : [InvokeRequest<M>]
): Promise<InvokeResponse<M>> {
  const result = await call(host, method, ...request)
  if (!result.ok)
    throw new Error(
      `${method} failed: ${result.error.code} ${result.error.message} (${result.error.field ?? ''})`
    )
  return result.value
}

/** The snapshot now. */
export function snapshot(app: TestApp): Promise<Snapshot> {
  return ok(app.host, 'getSnapshot')
}

/** Waits until the snapshot satisfies `condition`. */
export async function waitForSnapshot(
  app: TestApp,
  condition: (snap: Snapshot) => boolean,
  what: string,
  timeoutMs = 10_000
): Promise<Snapshot> {
  let last: Snapshot | undefined
  try {
    await waitUntil(
      async () => {
        last = await snapshot(app)
        return condition(last)
      },
      { timeoutMs, what }
    )
  } catch (error) {
    const states = last?.profiles.map(
      (p) => `${p.id}:${p.connection.state}${p.connection.reason ? `(${p.connection.reason})` : ''}`
    )
    throw new Error(`${(error as Error).message}; profiles: ${states?.join(', ')}`)
  }
  return last!
}

/** Waits until a profile is open. */
export function waitForOpen(
  app: TestApp,
  profileId = 'local',
  timeoutMs = 10_000
): Promise<Snapshot> {
  return waitForSnapshot(
    app,
    (s) => s.profiles.find((p) => p.id === profileId)?.connection.state === 'open',
    `${profileId} to be open`,
    timeoutMs
  )
}

/** Every batch the host delivers. */
export class BatchRecorder {
  readonly batches: EventBatch[] = []
  constructor(host: BridgeHost) {
    host.onBatch((batch) => this.batches.push(batch))
  }
  events<T extends BridgeEvent['type']>(type: T): Array<Extract<BridgeEvent, { type: T }>> {
    return this.batches
      .flatMap((b) => b.events)
      .filter((e): e is Extract<BridgeEvent, { type: T }> => e.type === type)
  }
}
