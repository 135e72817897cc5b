import { describe, expect, it } from 'vitest'
import { isTerminalStatus } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, RestartableGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// A session that follows chosen subscriptions (`watch --subscribe`) reconciles only within
// them: an outage must not turn other workflows' failures into alerts the user never asked for.

const cleanup = useCleanup()

describe.each(DIALECTS)('reconciliation with chosen subscriptions (%s dialect)', (dialect) => {
  it('alerts failures during an outage only for the workflows it follows', async () => {
    const rig = await RestartableGateway.start(
      { autoRun: false, actionDelayMs: [5, 15], seed: 11, failureRate: 0 },
      { dialect }
    )
    cleanup.push(() => rig.dispose())
    const { engine } = rig
    const token = await rig.gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(rig.gateway.url, () => token, {
        follow: [{ resource: 'workflow_executions', id: 'wf_order_processing' }]
      })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')

    await rig.stop()
    await rec.waitForCount('reconnecting', 1)
    const followed = engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!
    const other = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    await waitUntil(
      () => [followed, other].every((e) => isTerminalStatus(engine.getExecution(e.id)!.status)),
      { what: 'both executions to fail during the outage' }
    )

    await rig.resume()
    await rec.waitForCount('open', 2)
    await waitUntil(() => rec.alertsFor(followed.id).length === 1, {
      what: 'the followed workflow’s failure to be alerted'
    })
    expect(rec.alertsFor(other.id)).toEqual([])
    expect(session.store.getExecution(other.id)).toBeUndefined()
  })
})
