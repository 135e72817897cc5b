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
    app = await startTestApp(now ? { service: { now } } : {})
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
      profile_id: 'local',
      profile_name: 'Local dev mode',
      notification: { kind: 'failure', execution_ids: [run.id] }
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
    await waitUntil(() => shown.some((n) => n.notification.kind === 'recovered'), {
      what: 'a recovered notice'
    })
    const before = shown.length
    await ok(test.host, 'setNotificationPrefs', { notify_recovered: false })
    await failThenRecover('wf_user_onboarding')
    await waitUntil(() => shown.length > before, { what: 'the second failure notice' })
    expect(shown.slice(before).map((n) => n.notification.kind)).toEqual(['failure'])
  })
})
