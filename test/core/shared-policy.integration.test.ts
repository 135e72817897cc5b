import { describe, expect, it } from 'vitest'
import { NotificationPolicy } from '@main/core/notification-policy'
import type { Notification } from '@shared/alerts'
import { waitUntil } from '../helpers/wait'
import { DIALECTS, startDialectGateway, startSession, testSessionOptions } from './support'
import { useCleanup } from '../helpers/cleanup'

// One notification budget across profiles: two sessions (two servers, one per dialect) share
// one NotificationPolicy. Each decision comes out once, from the session whose alert made it,
// naming its profile; beyond three singles the failures of both become one summary.

const cleanup = useCleanup()

describe('a notification policy shared by two sessions', () => {
  it('spends one budget for both profiles and shows nothing twice', async () => {
    const policy = new NotificationPolicy({ summaryDelayMs: 0 })
    const shown: Notification[] = []
    const sessions = []
    for (const dialect of DIALECTS) {
      const gateway = await startDialectGateway(dialect)
      cleanup.push(() => gateway.close())
      const token = await gateway.mintToken()
      const { session, rec } = startSession(
        testSessionOptions(gateway.url, () => token, { profile: dialect, notifications: policy })
      )
      cleanup.push(() => session.dispose())
      session.on('notification', (n) => shown.push(n))
      await rec.waitForState('open')
      sessions.push({ gateway, rec })
    }
    const failures: string[] = []
    for (const { gateway, rec } of [...sessions, ...sessions]) {
      const id = gateway.engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!.id
      failures.push(id)
      await waitUntil(() => rec.alertsFor(id).length === 1, { what: `the alert for ${id}` })
    }
    await waitUntil(() => shown.some((n) => n.kind === 'failure_summary'), {
      what: 'the summary of the fourth failure'
    })
    expect(shown.map((n) => [n.kind, n.profile])).toEqual([
      ['failure', 'extended'],
      ['failure', 'document'],
      ['failure', 'extended'],
      ['failure_summary', 'document']
    ])
    expect(shown[3]).toMatchObject({ count: 1, execution_ids: [failures[3]] })
  })
})
