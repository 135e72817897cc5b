import { afterEach, describe, expect, it } from 'vitest'
import type { ShellNotification } from '@main/app/app-service'
import { PAUSE_UNTIL_HOUR, applyPrefsRequest, nextMorning } from '@main/app/notification-prefs'
import { NotificationSettingsSchema } from '@shared/settings'
import { startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import { waitUntil } from '../helpers/wait'
import { ok, waitForOpen, waitForSnapshot } from './support'

// What the shell is asked to show, as the core's policy decides it, with the person's
// preferences applied: pause (the core's do-not-disturb, with its summary at the end), mute per
// workflow, `recovered` on or off. The failure feed is unaffected by all of them.

let app: TestApp | undefined
afterEach(async () => {
  await app?.dispose()
  app = undefined
})

describe('pause "until tomorrow"', () => {
  it('ends at the next 08:00 local time', () => {
    const at = (d: number, h: number, m = 0) => new Date(2025, 2, d, h, m).getTime()
    expect(PAUSE_UNTIL_HOUR).toBe(8)
    expect(nextMorning(at(4, 23, 30))).toBe(at(5, 8))
    expect(nextMorning(at(5, 1, 0))).toBe(at(5, 8))
    expect(nextMorning(at(5, 8, 0))).toBe(at(6, 8))
    expect(nextMorning(at(5, 12, 0))).toBe(at(6, 8))
  })

  it('requests change only what they name', () => {
    const prefs = NotificationSettingsSchema.parse({})
    const now = Date.parse('2025-01-01T10:00:00Z')
    expect(applyPrefsRequest(prefs, { pause: '1h' }, now).paused_until).toBe(
      '2025-01-01T11:00:00.000Z'
    )
    const muted = applyPrefsRequest(
      prefs,
      { mute: { profile_id: 'p', workflow_id: 'w', muted: true } },
      now
    )
    expect(muted.muted).toEqual([{ profile_id: 'p', workflow_id: 'w' }])
    expect(
      applyPrefsRequest(muted, { mute: { profile_id: 'p', workflow_id: 'w', muted: false } }, now)
        .muted
    ).toEqual([])
    expect(applyPrefsRequest(muted, { singles_per_minute: 5 }, now)).toEqual({
      ...muted,
      singles_per_minute: 5
    })
  })
})

describe('notifications for the shell', () => {
  async function setup(now?: () => number) {
    // Recoveries are told after a quiet period (2 min by default): shortened here.
    const notificationPolicy = { recoveryQuietMs: 300 }
    app = await startTestApp({ service: { notificationPolicy, ...(now ? { now } : {}) } })
    const shown: ShellNotification[] = []
    app.service.on('notification', (n) => shown.push(n))
    await waitForOpen(app)
    return { test: app, shown, engine: app.localGateway().engine }
  }

  it('a failure is shown once, named with its profile', async () => {
    const { test, shown, engine } = await setup()
    const run = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    await waitUntil(() => shown.length === 1, { what: 'one notification' })
    expect(shown[0]).toMatchObject({
      profile: { id: 'local', name: 'Local dev mode' },
      notification: { kind: 'failure', profile: 'local', execution_ids: [run.id] }
    })
    await waitForSnapshot(test, (s) => s.failures.length === 1, 'the feed entry')
  })

  it('a muted workflow notifies nothing, but its failure is still in the feed', async () => {
    const { test, shown, engine } = await setup()
    await ok(test.host, 'setNotificationPrefs', {
      mute: { profile_id: 'local', workflow_id: 'wf_nightly_etl', muted: true }
    })
    const muted = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    const loud = engine.startExecution('wf_partner_sync', {}, { outcome: 'fail' })!
    await waitForSnapshot(test, (s) => s.failures.length === 2, 'both failures in the feed')
    await waitUntil(() => shown.length >= 1, { what: 'the unmuted notification' })
    expect(shown.flatMap((n) => n.notification.execution_ids)).toEqual([loud.id])
    expect(shown.flatMap((n) => n.notification.execution_ids)).not.toContain(muted.id)
  })

  it('a pause holds notifications; when it ends, one summary says what was held', async () => {
    let offset = 0
    const { test, shown, engine } = await setup(() => Date.now() + offset)
    const prefs = await ok(test.host, 'setNotificationPrefs', { pause: '1h' })
    expect(Date.parse(prefs.paused_until!) - Date.now()).toBeGreaterThan(59 * 60 * 1000)
    expect(test.service.trayInputs().paused_until).toBe(prefs.paused_until)
    engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })
    engine.startExecution('wf_partner_sync', {}, { outcome: 'fail' })
    await waitForSnapshot(test, (s) => s.failures.length === 2, 'the failures in the feed')
    expect(shown).toEqual([])
    // Resumed by hand: the held failures come out as one summary.
    const resumed = await ok(test.host, 'setNotificationPrefs', { pause: 'resume' })
    expect(resumed.paused_until).toBeNull()
    expect(shown.map((n) => [n.notification.kind, n.notification.count])).toEqual([
      ['dnd_summary', 2]
    ])
    // A pause that simply runs out ends the same way.
    await ok(test.host, 'setNotificationPrefs', { pause: '1h' })
    engine.startExecution('wf_user_onboarding', {}, { outcome: 'fail' })
    await waitForSnapshot(test, (s) => s.failures.length === 3, 'a third failure')
    offset = 61 * 60 * 1000
    const settings = await ok(test.host, 'updateSettings', { close_to_tray: false })
    expect(settings.notifications.paused_until).toBeNull()
    expect(shown.map((n) => [n.notification.kind, n.notification.count])).toEqual([
      ['dnd_summary', 2],
      ['dnd_summary', 1]
    ])
  })

  it('with "recovered" off, recoveries are not shown (and with it on, they are)', async () => {
    const { test, shown, engine } = await setup()
    await ok(test.host, 'setNotificationPrefs', { singles_per_minute: 10 })
    const recoveredOf = (workflowId: string) =>
      shown.filter(
        (n) => n.notification.kind === 'recovered' && n.notification.workflow_id === workflowId
      )
    const failThenRecover = async (workflowId: string): Promise<void> => {
      const failed = engine.startExecution(workflowId, {}, { outcome: 'fail' })!
      await waitForSnapshot(
        test,
        (s) => s.failures.some((f) => f.execution_id === failed.id),
        'the failure'
      )
      const recovery = engine.startExecution(workflowId, {}, { outcome: 'succeed' })!
      await waitForSnapshot(
        test,
        (s) => s.executions.some((e) => e.id === recovery.id && e.status === 'completed'),
        'the recovery'
      )
    }
    await failThenRecover('wf_partner_sync')
    await waitUntil(() => recoveredOf('wf_partner_sync').length === 1, {
      what: 'a recovered notice'
    })
    await ok(test.host, 'setNotificationPrefs', { notify_recovered: false })
    await failThenRecover('wf_user_onboarding')
    // Recoveries are due in the order they began (the same quiet period), so once the next
    // workflow's recovery has been told, the silenced one's moment has passed too.
    await ok(test.host, 'setNotificationPrefs', { notify_recovered: true })
    await failThenRecover('wf_nightly_etl')
    await waitUntil(() => recoveredOf('wf_nightly_etl').length === 1, {
      what: 'the third recovered notice'
    })
    expect(recoveredOf('wf_user_onboarding')).toEqual([])
    expect(
      shown
        .filter((n) => 'workflow_id' in n.notification)
        .map((n) => [n.notification.kind, (n.notification as { workflow_id: string }).workflow_id])
    ).toEqual([
      ['failure', 'wf_partner_sync'],
      ['recovered', 'wf_partner_sync'],
      ['failure', 'wf_user_onboarding'],
      ['failure', 'wf_nightly_etl'],
      ['recovered', 'wf_nightly_etl']
    ])
  })
})
