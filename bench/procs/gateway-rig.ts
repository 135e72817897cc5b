import { randomBytes } from 'node:crypto'
import { createEngine, startGateway } from '@gateway'
import type { Engine, Gateway, GatewayOptions } from '@gateway'
import { isTerminalStatus } from '@shared/protocol'
import { childChannel, nowUs } from '../lib/child'
import type { BenchMessage } from '../lib/child'

// The real gateway in a process of its own, driven by the orchestrator: started with history
// (cold sync), restarted on the same port over the same engine (reconnect), or running
// executions at a set rate for many clients (fan-out). Every timing it reports is CLOCK_MONOTONIC
// in microseconds, comparable with the other bench processes.

let engine: Engine | undefined
let gateway: Gateway | undefined
let options: GatewayOptions = {}

const { send } = childChannel(async (message) => {
  switch (message.type) {
    case 'start':
      await start(message)
      return
    case 'mint': {
      const subs = message.subs as string[]
      const tokens = await Promise.all(
        subs.map((sub) => gateway!.mintToken({ sub, expiresInSeconds: 6 * 3600 }))
      )
      send({ type: 'minted', tokens })
      return
    }
    case 'restart': {
      await gateway!.close()
      const closedUs = nowUs()
      gateway = await listen(gateway!.port)
      send({ type: 'restarted', closed_us: closedUs, listening_us: nowUs() })
      return
    }
    case 'drive':
      send({ type: 'driven', ...(await drive(message.rate as number, message.seconds as number)) })
      return
    case 'stats':
      send({ type: 'stats', stats: gateway!.stats() })
      return
  }
})

async function start(message: BenchMessage): Promise<void> {
  // One secret for every restart, so tokens minted before a restart stay valid after it.
  options = { secret: randomBytes(32).toString('hex'), ...(message.options as GatewayOptions) }
  const { engineOptions } = message as { engineOptions?: Parameters<typeof createEngine>[0] }
  // A shared engine outlives restarts: executions keep running while the gateway is away.
  engine = createEngine({ autoRun: false, ...engineOptions })
  gateway = await listen(0)
  send({ type: 'started', url: gateway.url, port: gateway.port, listening_us: nowUs() })
}

/** A gateway over the shared engine on `port` (0: any), retrying while the OS still holds it. */
async function listen(port: number): Promise<Gateway> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startGateway({ ...options, engine, port })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 200) throw error
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}

/**
 * Starts executions round robin over the workflows so the engine emits about `rate` execution
 * updates a second for `seconds`, then waits for all of them to end. Reports the executions that
 * reached a terminal status and how many updates were emitted.
 */
async function drive(rate: number, seconds: number): Promise<Record<string, unknown>> {
  const e = engine!
  const workflows = e.listWorkflows()
  const terminal: string[] = []
  let updates = 0
  let count = 0
  // Only the driver starts executions here (no auto-run): every update is one of them.
  const unlisten = e.on('execution', (execution) => {
    updates++
    if (isTerminalStatus(execution.status)) terminal.push(execution.id)
  })
  // A demo execution sends 5.5 updates on average (pending, running, one per action), fewer
  // when it fails early: about 5.2.
  const perSecond = rate / 5.2
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - started
      const due = Math.min(perSecond * seconds, Math.floor((elapsed / 1000) * perSecond))
      while (count < due) e.startExecution(workflows[count++ % workflows.length]!.id)
      if (elapsed >= seconds * 1000) resolve()
      else setTimeout(tick, 5)
    }
    tick()
  })
  while (e.hasLiveResources()) await new Promise((resolve) => setTimeout(resolve, 20))
  unlisten()
  return { started: count, terminal, updates, elapsed_ms: performance.now() - started }
}
