import { afterAll, beforeAll, bench, describe } from 'vitest'
import WebSocket from 'ws'
import { startGateway } from '@gateway'
import type { Gateway } from '@gateway'

// One engine event, serialised once, delivered to 200 real WebSocket clients on loopback.
// Each iteration runs one execution to completion and waits until every client has seen it.

const CLIENTS = 200
let gateway: Gateway
const sockets: WebSocket[] = []
const waiters = new Map<string, { left: number; done: () => void }>()

beforeAll(async () => {
  gateway = await startGateway({
    port: 0,
    autoRun: false,
    actionDelayMs: [1, 2],
    rateLimit: { maxMessages: 10_000, windowMs: 60_000 }
  })
  const token = await gateway.mintToken()
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const ws = new WebSocket(`${gateway.wsUrl}?token=${token}`)
      sockets.push(ws)
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as {
            type: string
            execution?: { id: string; status: string }
          }
          if (message.type === 'subscribed') resolve()
          if (message.type === 'execution_update' && message.execution?.status === 'completed') {
            const waiter = waiters.get(message.execution.id)
            if (waiter && --waiter.left === 0) waiter.done()
          }
        })
        ws.on('error', reject)
        ws.on('open', () =>
          ws.send(JSON.stringify({ type: 'subscribe', resource: 'workflow_executions', id: 'all' }))
        )
      })
    })
  )
})

afterAll(async () => {
  for (const ws of sockets) ws.terminate()
  await gateway.close()
})

describe('gateway fan-out to 200 clients', () => {
  bench(
    'one execution, every client sees it complete',
    async () => {
      await new Promise<void>((resolve) => {
        const execution = gateway.engine.startExecution(
          'wf_user_onboarding',
          {},
          { outcome: 'succeed' }
        )
        if (!execution) throw new Error('demo workflow missing')
        waiters.set(execution.id, { left: CLIENTS, done: resolve })
      })
    },
    { iterations: 30, time: 0 }
  )
})
