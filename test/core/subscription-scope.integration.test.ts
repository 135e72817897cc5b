import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../src/gateway'
import type { Gateway } from '../../src/gateway'
import { isTerminalStatus } from '../../src/shared/protocol'
import { waitUntil } from '../helpers/wait'
import { freePort, startOnPort, startSession, testSessionOptions } from './support'

// A session that follows chosen subscriptions (`watch --subscribe`) reconciles only within
// them: an outage must not turn other workflows' failures into alerts the user never asked for.

let cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

describe('reconciliation with chosen subscriptions', () => {
  it('alerts failures during an outage only for the workflows it follows', async () => {
    const engine = createEngine({
      autoRun: false,
      actionDelayMs: [5, 15],
      seed: 11,
      failureRate: 0
    })
    cleanup.push(() => engine.stop())
    const port = await freePort()
    let gateway: Gateway = await startOnPort(engine, port)
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(gateway.url, () => token, {
        follow: [{ resource: 'workflow_executions', id: 'wf_order_processing' }]
      })
    )
    cleanup.push(() => session.close())
    await rec.waitForState('open')

    await gateway.close()
    await rec.waitForCount('reconnecting', 1)
    const followed = engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!
    const other = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    await waitUntil(
      () => [followed, other].every((e) => isTerminalStatus(engine.getExecution(e.id)!.status)),
      { what: 'both executions to fail during the outage' }
    )

    gateway = await startOnPort(engine, port)
    await rec.waitForCount('open', 2)
    await waitUntil(() => rec.alertsFor(followed.id).length === 1, {
      what: 'the followed workflow’s failure to be alerted'
    })
    expect(rec.alertsFor(other.id)).toEqual([])
    expect(session.store.getExecution(other.id)).toBeUndefined()
  })
})
