import { describe, expect, it } from 'vitest'
import { waitUntil } from '../helpers/wait'
import { startCoreGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// The product's first promise, against every server shape we test: a failure (and a time-out)
// in a workflow is alerted once, named, with the failing action and its message, and notified;
// a success is not. The document dialect falls back to one subscription per workflow; the
// foreign shapes put strings where our gateway puts objects, a fractional percentage, epoch
// numbers for `updated_at`, and no `workflow_name`.

const SERVERS = [
  { dialect: 'extended' },
  { dialect: 'extended', foreignShapes: true },
  { dialect: 'document' },
  { dialect: 'document', foreignShapes: true }
] as const

const cleanup = useCleanup()

describe.each(SERVERS)('the first failure (%o)', (server) => {
  it('is alerted once, with its workflow, action and message, and notified', async () => {
    const gateway = await startCoreGateway({ ...server })
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(testSessionOptions(gateway.url, () => token))
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    expect(rec.states.at(-1)!.coverage?.level).toBe('live')

    const ok = gateway.engine.startExecution('wf_partner_sync', {}, { outcome: 'succeed' })!.id
    const failed = gateway.engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!.id
    const late = gateway.engine.startExecution('wf_nightly_etl', {}, { outcome: 'time_out' })!.id
    await waitUntil(() => rec.alertsFor(failed).length + rec.alertsFor(late).length === 2, {
      what: 'both alerts'
    })
    await waitUntil(() => session.store.getExecution(ok)?.status === 'completed', {
      what: 'the success'
    })
    expect(rec.alerts).toHaveLength(2)
    expect(rec.alertsFor(failed)[0]).toMatchObject({
      workflow_id: 'wf_order_processing',
      workflow_name: 'Order Processing',
      status: 'failed'
    })
    expect(rec.alertsFor(late)[0]).toMatchObject({
      workflow_name: 'Nightly ETL',
      status: 'timed_out'
    })
    for (const alert of rec.alerts) {
      expect(alert.error_message, JSON.stringify(alert)).toBeTruthy()
      expect(alert.failed_action?.name, JSON.stringify(alert)).toBeTruthy()
    }
    expect(rec.notifications.map((n) => n.kind).sort()).toEqual(['failure', 'failure'])
    expect(rec.invalid).toEqual([])
    if ('foreignShapes' in server) {
      // Odd fields were normalized, not dropped: nothing to count for these shapes.
      expect(session.leniencyCounts.unreadable_records).toBe(0)
    }
  })
})
