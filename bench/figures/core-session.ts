import { BenchChild } from '../lib/child'
import type { Scheduling } from '../lib/scheduling'

// Shared by the core figures: a sender (its own process) and a fresh receiver (another process)
// connected to the sender's minimal server.

/** A sender and a receiver connected to it, ready for one measurement. */
export interface CoreRig {
  sender: BenchChild
  receiver: BenchChild
  stop(): Promise<void>
}

export interface RigOptions {
  /** The core (default) or the bare baseline client. */
  receiver?: 'core-receiver' | 'baseline-receiver'
  /** Node flags for the receiver. */
  execArgv?: string[]
  /** For both processes. */
  scheduling?: Scheduling
}

/** Starts a sender and a receiver; resolves once the receiver is ready (the core: `open`). */
export async function startCoreRig(options: RigOptions = {}): Promise<CoreRig> {
  const { scheduling } = options
  const sender = BenchChild.start('sender', [], { scheduling })
  let receiver: BenchChild | undefined
  try {
    const { port } = await sender.next('listening')
    receiver = BenchChild.start(
      options.receiver ?? 'core-receiver',
      ['--url', `http://127.0.0.1:${port as number}`],
      { execArgv: options.execArgv, scheduling }
    )
    await receiver.next('ready', 20_000)
    const ready = receiver
    return {
      sender,
      receiver: ready,
      stop: async () => {
        await Promise.all([ready.stop(), sender.stop()])
      }
    }
  } catch (error) {
    await Promise.all([receiver?.stop(), sender.stop()])
    throw error
  }
}
