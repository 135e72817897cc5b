import { describe, expect, it } from 'vitest'
import type { Engine } from '@gateway'
import { isTerminalStatus } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { RestartableGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// The engine keeps running while the gateway is down (shared engine). Failures that happen
// during the outage, including one that was already running before it, are alerted exactly
// once after the reconnect, and an extra reconnect alerts nothing again. Against both
// dialects, and against one whose undocumented fields are shaped differently from ours.

const SERVERS = [
  { dialect: 'extended' },
  { dialect: 'document' },
  { dialect: 'document', foreignShapes: true }
] as const

const cleanup = useCleanup()

function start(engine: Engine, outcome: 'fail' | 'time_out' | 'succeed'): string {
  const execution = engine.startExecution('wf_order_processing', {}, { outcome })
  if (!execution) throw new Error('no demo workflow')
  return execution.id
}

async function finished(engine: Engine, ids: string[]): Promise<void> {
  await waitUntil(
    () => ids.every((id) => isTerminalStatus(engine.getExecution(id)?.status ?? '')),
    {
      timeoutMs: 10_000,
      what: `executions ${ids.join(', ')} to finish`
    }
  )
}

describe.each(SERVERS)('failures during an outage (%o)', (server) => {
  it('are alerted exactly once each after the reconnect, and not again later', async () => {
    // Actions slow enough (4 × 80–120 ms) that one execution can span the start of the outage.
    const rig = await RestartableGateway.start(
      { autoRun: false, actionDelayMs: [80, 120], seed: 7, failureRate: 0 },
      server
    )
    cleanup.push(() => rig.dispose())
    const { engine } = rig
    const token = await rig.gateway.mintToken()
    const { session, rec } = startSession(testSessionOptions(rig.gateway.url, () => token))
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')

    // Seen failing while connected: the control case.
    const before = start(engine, 'fail')
    await waitUntil(() => rec.alertsFor(before).length === 1, { what: 'alert while connected' })

    // Running when the outage starts, fails during it. A newer execution seen before the
    // outage moves the watermark past it, so only the re-check of open executions finds it.
    const spanning = start(engine, 'fail')
    const newer = start(engine, 'succeed')
    await waitUntil(
      () =>
        session.store.getExecution(spanning)?.status === 'running' &&
        session.store.getExecution(newer) !== undefined,
      { what: 'the spanning execution to be seen running' }
    )
    await rig.stop()
    await rec.waitForCount('reconnecting', 1)

    // Started and finished entirely during the outage.
    const during = [start(engine, 'fail'), start(engine, 'time_out'), start(engine, 'fail')]
    const succeeded = start(engine, 'succeed')
    await finished(engine, [spanning, newer, ...during, succeeded])
    expect(engine.getExecution(spanning)?.status).toBe('failed')
    // Started during the outage, still running at the reconnect, fails afterwards.
    const straddling = start(engine, 'fail')
    expect(rec.alerts.map((a) => a.execution_id)).toEqual([before])

    await rig.resume()
    await rec.waitForCount('open', 2)
    await finished(engine, [straddling])
    const failedIds = [before, spanning, ...during, straddling]
    await waitUntil(() => failedIds.every((id) => rec.alertsFor(id).length > 0), {
      what: 'an alert for every failure'
    })

    // An extra reconnect: reconciliation finds the same failures again and alerts nothing.
    await rig.restart()
    await rec.waitForCount('open', 3)
    await waitUntil(
      () => rec.state === 'open' && rig.gateway.stats().authenticatedConnections === 1,
      {
        what: 'open on the third gateway'
      }
    )

    for (const id of failedIds) expect(rec.alertsFor(id), id).toHaveLength(1)
    expect(rec.alerts).toHaveLength(failedIds.length)
    expect(rec.alertsFor(succeeded)).toEqual([])
    const timedOut = rec.alertsFor(during[1]!)[0]!
    expect(timedOut.status).toBe('timed_out')
    const spanningAlert = rec.alertsFor(spanning)[0]!
    expect(spanningAlert.workflow_name).toBe('Order Processing')
    expect(spanningAlert.error_message).toBeTruthy()
    expect(spanningAlert.failed_action?.name).toBeTruthy()
  }, 30_000)
})
