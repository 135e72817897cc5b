import { describe, expect, it } from 'vitest'
import type { TrayInputs } from '@main/app/app-views'
import { presentNotification, signInNotices } from '@main/app/notification-presenter'
import { NotificationPolicy, summarizeMissedFailures } from '@main/core/notification-policy'
import type { Alert, Notification } from '@shared/alerts'
import type { SessionState } from '@shared/bridge/views'

// Native notification presentation of the core policy's decisions (pure). The notifications
// come from the REAL NotificationPolicy, so every kind it produces is covered as it produces it.

const T0 = 1_800_000_000_000

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

const present = (notification: Notification, profile = { id: 'prod', name: 'Production' }) =>
  presentNotification({ profile_id: profile.id, profile_name: profile.name, notification })

describe('presentNotification', () => {
  it('shows one failure with the profile named, critical, opening that execution', () => {
    const [single] = new NotificationPolicy().onAlert(alert(1), T0)
    expect(present(single!)).toEqual({
      tag: 'failure:prod:exec_1',
      title: 'Nightly ETL failed',
      body: 'Production: Failed at Load warehouse: connection reset by peer',
      urgency: 'critical',
      click: { type: 'show_execution', profile_id: 'prod', execution_id: 'exec_1' }
    })
  })

  it('gives every single failure its own tag, so none replaces another', () => {
    const policy = new NotificationPolicy()
    const tags = [1, 2, 3]
      .flatMap((n) => policy.onAlert(alert(n), T0 + n))
      .map((n) => present(n).tag)
    expect(new Set(tags).size).toBe(3)
  })

  it('replaces a workflow’s grouped notice in place (one tag per profile and workflow)', () => {
    const policy = new NotificationPolicy({ burstThreshold: 1, burstWindowMs: 1_000 })
    const out: Notification[] = []
    for (let n = 1; n <= 4; n++) out.push(...policy.onAlert(alert(n), T0 + n))
    out.push(...policy.tick(T0 + 5_000))
    const groups = out.filter((n) => n.kind === 'failure_group')
    expect(groups.length).toBeGreaterThan(0)
    const presented = present(groups[0]!)
    expect(presented.tag).toBe('group:prod:wf_etl')
    expect(presented.urgency).toBe('critical')
    // The click opens the newest execution the group lists.
    expect(presented.click).toEqual({
      type: 'show_execution',
      profile_id: 'prod',
      execution_id: groups[0]!.execution_ids.at(-1)
    })
    expect(present(groups[0]!, { id: 'staging', name: 'Staging' }).tag).toBe('group:staging:wf_etl')
  })

  it('shows a recovery as normal urgency, opening the execution that completed', () => {
    const policy = new NotificationPolicy()
    policy.onAlert(alert(1), T0)
    const [recovered] = policy.onCompleted(
      {
        from: 'running',
        to: 'completed',
        workflowName: 'Nightly ETL',
        execution: { id: 'exec_9', workflow_id: 'wf_etl', status: 'completed' }
      } as Parameters<NotificationPolicy['onCompleted']>[0],
      T0 + 1_000
    )
    expect(recovered?.kind).toBe('recovered')
    expect(present(recovered!)).toMatchObject({
      tag: 'recovered:prod:wf_etl',
      urgency: 'normal',
      click: { type: 'show_execution', profile_id: 'prod', execution_id: 'exec_9' }
    })
  })

  it('shows failures while the app was closed as one summary that opens the dashboard', () => {
    const summary = summarizeMissedFailures([alert(1), alert(2, 'wf_billing')], T0)!
    const presented = present(summary)
    expect(presented).toMatchObject({
      tag: 'summary:startup_summary',
      title: '2 executions failed while Nebula Desktop was closed',
      urgency: 'critical',
      click: { type: 'open_dashboard' }
    })
    expect(presented.body).toBe('Production: Nightly ETL (1), wf_billing (1)')
  })

  it('shows the do-not-disturb summary the same way', () => {
    const policy = new NotificationPolicy()
    policy.setDoNotDisturb(T0 + 1_000, T0)
    policy.onAlert(alert(1), T0 + 10)
    const [summary] = policy.tick(T0 + 2_000)
    expect(summary?.kind).toBe('dnd_summary')
    expect(present(summary!)).toMatchObject({
      tag: 'summary:dnd_summary',
      click: { type: 'open_dashboard' }
    })
  })

  it('uses a tag the policy put on a notice (the budget’s summary, replaced in place)', () => {
    const summary = summarizeMissedFailures([alert(1)], T0)!
    const tagged = { ...summary, tag: 'budget-summary' } as unknown as Notification
    expect(present(tagged).tag).toBe('budget-summary')
  })

  it('presents a kind about one workflow that it does not know yet per workflow', () => {
    const flapping = {
      kind: 'flapping',
      title: 'Nightly ETL is flapping',
      body: 'It failed and recovered 4 times in 10 minutes.',
      workflow_id: 'wf_etl',
      workflow_name: 'Nightly ETL',
      execution_ids: ['exec_1', 'exec_7'],
      count: 4,
      at: new Date(T0).toISOString()
    } as unknown as Notification
    expect(present(flapping)).toEqual({
      tag: 'flapping:prod:wf_etl',
      title: 'Nightly ETL is flapping',
      body: 'Production: It failed and recovered 4 times in 10 minutes.',
      urgency: 'critical',
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

const state = (name: SessionState['state'], reason?: string): SessionState => ({
  state: name,
  at: T0,
  ...(reason ? { reason } : {})
})

function tray(
  profiles: Array<[string, SessionState['state']]>,
  paused_until: string | null = null
): TrayInputs {
  return {
    profiles: profiles.map(([id, name]) => ({
      id,
      name: id === 'local' ? 'Local dev mode' : `Profile ${id}`,
      local: id === 'local',
      state: state(name, name === 'auth_failed' ? 'token expired' : undefined)
    })),
    unseen_failures: 0,
    running: 0,
    last_failures: [],
    paused_until,
    local_dev_mode: true
  }
}

describe('signInNotices', () => {
  it('tells once, when a profile starts needing a sign-in', () => {
    const before = tray([['prod', 'open']])
    const after = tray([['prod', 'auth_failed']])
    expect(signInNotices(before, after, T0)).toEqual([
      {
        tag: 'sign-in:prod',
        title: 'Sign in again to Profile prod',
        body: 'Profile prod: the server refused the token (token expired). Failures there are not being watched until you sign in.',
        urgency: 'critical',
        click: { type: 'open_dashboard' }
      }
    ])
    expect(signInNotices(after, after, T0)).toEqual([])
    expect(signInNotices(undefined, after, T0)).toHaveLength(1)
  })

  it('says nothing for local dev mode, other states, or while notifications are paused', () => {
    expect(signInNotices(undefined, tray([['local', 'auth_failed']]), T0)).toEqual([])
    expect(signInNotices(undefined, tray([['prod', 'offline']]), T0)).toEqual([])
    const pausedUntil = new Date(T0 + 60_000).toISOString()
    expect(signInNotices(undefined, tray([['prod', 'auth_failed']], pausedUntil), T0)).toEqual([])
    // A pause that has ended does not hold it back.
    expect(
      signInNotices(undefined, tray([['prod', 'auth_failed']], pausedUntil), T0 + 120_000)
    ).toHaveLength(1)
  })
})
