import { describe, expect, it } from 'vitest'
import { presentNotification } from '@main/app/notification-presenter'
import { NotificationPolicy } from '@main/core/notification-policy'
import type { Alert, Notification } from '@shared/alerts'

// Native notification presentation of the core policy's decisions (pure). The notifications
// come from the REAL NotificationPolicy, so every kind it produces is covered as it produces it.

const T0 = 1_800_000_000_000
const PROD = { id: 'prod', name: 'Production' }

function alert(n: number, workflow = 'wf_etl', extra: Partial<Alert> = {}): Alert {
  return {
    execution_id: `exec_${n}`,
    workflow_id: workflow,
    workflow_name: workflow === 'wf_etl' ? 'Nightly ETL' : workflow,
    status: 'failed',
    failed_action: { id: 'a2', name: 'Load warehouse' },
    error_message: 'connection reset by peer',
    at: new Date(T0).toISOString(),
    ...extra
  }
}

const present = (notification: Notification, profile: typeof PROD | undefined = PROD) =>
  presentNotification({ ...(profile ? { profile } : {}), notification })

/** What a shared policy says for `count` failures in quick succession (and after the delay). */
function storm(count: number, profile = 'prod'): Notification[] {
  const policy = new NotificationPolicy()
  const out: Notification[] = []
  for (let n = 1; n <= count; n++)
    out.push(...policy.onAlert(alert(n, `wf_${n % 4}`), T0 + n, profile))
  out.push(...policy.tick(T0 + 120_000))
  return out
}

describe('presentNotification', () => {
  it('shows one failure with the profile named, critical, opening that execution', () => {
    const [single] = new NotificationPolicy().onAlert(alert(1), T0, 'prod')
    expect(present(single!)).toMatchObject({
      title: 'Nightly ETL failed',
      body: 'Production: Failed at Load warehouse: connection reset by peer',
      urgency: 'critical',
      click: { type: 'show_execution', profile_id: 'prod', execution_id: 'exec_1' }
    })
  })

  it('gives every single failure its own tag, so none replaces another', () => {
    const policy = new NotificationPolicy()
    const tags = [1, 2, 3]
      .flatMap((n) => policy.onAlert(alert(n), T0 + n, 'prod'))
      .map((n) => present(n).tag)
    expect(tags).toHaveLength(3)
    expect(new Set(tags).size).toBe(3)
  })

  it('replaces the failure summary in place and opens its newest failure', () => {
    const summaries = storm(40).filter((n) => n.kind === 'failure_summary')
    expect(summaries.length).toBeGreaterThan(0)
    const presented = summaries.map((n) => present(n, undefined))
    // One tag for every summary: the platform replaces the notice instead of stacking it.
    expect(new Set(presented.map((p) => p.tag)).size).toBe(1)
    const last = summaries.at(-1)!
    expect(last.kind === 'failure_summary' && last.last.profile).toBe('prod')
    expect(presented.at(-1)).toMatchObject({
      urgency: 'critical',
      click: { type: 'show_execution', profile_id: 'prod', execution_id: 'exec_40' }
    })
  })

  it('says "sign in again" for a refused token, critical, opening the dashboard', () => {
    const [notice] = new NotificationPolicy().onAuthFailed(T0, 'prod', 'token expired')
    expect(notice?.kind).toBe('auth_failed')
    const presented = present(notice!)
    expect(presented.title).toBe('Sign in again to prod')
    expect(presented.body).toContain('Production: The server refused the token (token expired)')
    expect(presented).toMatchObject({ urgency: 'critical', click: { type: 'open_dashboard' } })
  })

  it('shows a recovery as normal urgency, opening the execution that completed', () => {
    const policy = new NotificationPolicy({ recoveryQuietMs: 1_000 })
    policy.onAlert(alert(1), T0, 'prod')
    policy.onCompleted(
      {
        from: 'running',
        to: 'completed',
        workflowName: 'Nightly ETL',
        execution: { id: 'exec_9', workflow_id: 'wf_etl', status: 'completed' }
      } as Parameters<NotificationPolicy['onCompleted']>[0],
      T0 + 1_000,
      'prod'
    )
    const [recovered] = policy.tick(T0 + 5_000)
    expect(recovered?.kind).toBe('recovered')
    expect(present(recovered!)).toMatchObject({
      urgency: 'normal',
      click: { type: 'show_execution', profile_id: 'prod', execution_id: 'exec_9' }
    })
  })

  it('shows failures while the app was closed as one summary that opens the dashboard', () => {
    const [summary] = new NotificationPolicy().onMissedFailures(
      [alert(1), alert(2, 'wf_billing')],
      T0,
      'prod'
    )
    expect(summary?.kind).toBe('startup_summary')
    const presented = present(summary!)
    expect(presented).toMatchObject({
      tag: 'summary:startup_summary',
      urgency: 'critical',
      click: { type: 'open_dashboard' }
    })
    expect(presented.body.startsWith('Production: ')).toBe(true)
  })

  it('shows the do-not-disturb summary the same way', () => {
    const policy = new NotificationPolicy()
    policy.setDoNotDisturb(T0 + 1_000, T0)
    policy.onAlert(alert(1), T0 + 10, 'prod')
    const [summary] = policy.tick(T0 + 2_000)
    expect(summary?.kind).toBe('dnd_summary')
    expect(present(summary!, undefined)).toMatchObject({
      tag: 'summary:dnd_summary',
      click: { type: 'open_dashboard' }
    })
  })

  it('presents a flapping workflow once per workflow, opening its newest execution', () => {
    const flapping: Notification = {
      kind: 'flapping',
      title: 'Nightly ETL keeps failing and recovering',
      body: 'It failed and recovered 4 times in 10 minutes.',
      workflow_id: 'wf_etl',
      workflow_name: 'Nightly ETL',
      cycles: 4,
      execution_ids: ['exec_1', 'exec_7'],
      count: 4,
      at: new Date(T0).toISOString(),
      profile: 'prod'
    }
    expect(present(flapping)).toEqual({
      tag: 'flapping:prod:wf_etl',
      title: 'Nightly ETL keeps failing and recovering',
      body: 'Production: It failed and recovered 4 times in 10 minutes.',
      urgency: 'normal',
      click: { type: 'show_execution', profile_id: 'prod', execution_id: 'exec_7' }
    })
  })

  it('keeps titles and bodies on one bounded line', () => {
    const [single] = new NotificationPolicy().onAlert(
      alert(1, 'wf_etl', { error_message: `line one\nline two ${'x'.repeat(1_000)}` }),
      T0
    )
    const presented = present(single!)
    expect(presented.body).not.toContain('\n')
    expect(presented.body.length).toBeLessThanOrEqual(400)
    expect(presented.title.length).toBeLessThanOrEqual(120)
  })
})
