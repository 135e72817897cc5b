import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ExecutionTransition } from '@main/core/alert-policy'
import { NotificationPolicy, summarizeMissedFailures } from '@main/core/notification-policy'
import { NotificationSchema, type Alert, type Notification } from '@shared/alerts'

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const S = 1000

let serial = 0
function alert(workflow = 'wf_etl', overrides: Partial<Alert> = {}): Alert {
  serial += 1
  const names: Record<string, string> = { wf_etl: 'Nightly ETL', wf_orders: 'Order Processing' }
  return {
    execution_id: `exec_${serial}`,
    workflow_id: workflow,
    workflow_name: names[workflow] ?? workflow,
    status: 'failed',
    at: new Date(T0).toISOString(),
    ...overrides
  }
}

function completed(workflow = 'wf_etl', id = `exec_ok_${++serial}`): ExecutionTransition {
  return {
    execution: { id, workflow_id: workflow, workflow_name: 'Nightly ETL', status: 'completed' },
    from: 'running',
    to: 'completed'
  }
}

/** Every notification must satisfy the shared schema the bridge and CLI carry. */
function valid(notifications: Notification[]): Notification[] {
  for (const n of notifications) expect(NotificationSchema.parse(n)).toEqual(n)
  return notifications
}

describe('NotificationPolicy: single failures', () => {
  it('turns one alert into one failure notification', () => {
    const policy = new NotificationPolicy()
    const a = alert('wf_orders', {
      failed_action: { id: 'act_pay', name: 'Process Payment' },
      error_message: 'Card declined'
    })
    expect(valid(policy.onAlert(a, T0))).toEqual([
      {
        kind: 'failure',
        title: 'Order Processing failed',
        body: 'Failed at Process Payment: Card declined',
        workflow_id: 'wf_orders',
        workflow_name: 'Order Processing',
        status: 'failed',
        execution_ids: [a.execution_id],
        count: 1,
        at: new Date(T0).toISOString()
      }
    ])
    expect(policy.tick(T0 + 60 * S)).toEqual([])
  })

  it('words timeouts and failures without details', () => {
    const policy = new NotificationPolicy()
    const [timedOut] = policy.onAlert(
      alert('wf_a', { status: 'timed_out', failed_action: { name: 'Load' } }),
      T0
    )
    expect(timedOut).toMatchObject({ title: 'wf_a timed out', body: 'Timed out in Load.' })
    const bare = alert('wf_b')
    const [plain] = policy.onAlert(bare, T0)
    expect(plain).toMatchObject({ body: `Execution ${bare.execution_id} failed.` })
    const [messageOnly] = policy.onAlert(alert('wf_c', { error_message: 'x'.repeat(500) }), T0)
    expect(messageOnly!.body.length).toBeLessThanOrEqual(200)
  })
})

describe('NotificationPolicy: bursts', () => {
  it('notifies the first 3 failures of a workflow within 10 s and folds the rest into one group when the window closes', () => {
    const policy = new NotificationPolicy()
    const alerts = Array.from({ length: 6 }, () => alert())
    const out = alerts.flatMap((a, i) => policy.onAlert(a, T0 + i * S))
    expect(out.map((n) => n.kind)).toEqual(['failure', 'failure', 'failure'])
    expect(policy.nextTickAt()).toBe(T0 + 10 * S)
    expect(policy.tick(T0 + 10 * S - 1)).toEqual([])
    const closed = valid(policy.tick(T0 + 10 * S))
    expect(closed).toEqual([
      {
        kind: 'failure_group',
        title: 'Nightly ETL: 3 more failures',
        body: '3 executions of Nightly ETL failed within 10 s.',
        workflow_id: 'wf_etl',
        workflow_name: 'Nightly ETL',
        execution_ids: alerts.slice(3).map((a) => a.execution_id),
        count: 3,
        at: new Date(T0 + 10 * S).toISOString()
      }
    ])
    expect(policy.nextTickAt()).toBeUndefined()
    expect(policy.tick(T0 + 60 * S)).toEqual([])
  })

  it('sends no group for exactly 3 failures, and starts afresh after a quiet window', () => {
    const policy = new NotificationPolicy()
    for (let i = 0; i < 3; i += 1) expect(policy.onAlert(alert(), T0 + i * S)).toHaveLength(1)
    expect(policy.tick(T0 + 10 * S)).toEqual([])
    // Once the last single is 10 s old: again individual notifications.
    for (let i = 0; i < 3; i += 1) {
      expect(policy.onAlert(alert(), T0 + 12 * S + i)).toMatchObject([{ kind: 'failure' }])
    }
  })

  it('keeps a storm folded: one grouped notice per window while it lasts', () => {
    const policy = new NotificationPolicy()
    const notified: Notification[] = []
    // One failure every second for 35 s.
    for (let i = 0; i < 35; i += 1) notified.push(...policy.onAlert(alert(), T0 + i * S))
    notified.push(...policy.tick(T0 + 120 * S))
    expect(notified.map((n) => `${n.kind}:${n.count}`)).toEqual([
      'failure:1',
      'failure:1',
      'failure:1',
      'failure_group:7', // window 1: 0..9 s
      'failure_group:10', // window 2: 10..19 s, storm continues, no singles
      'failure_group:10', // window 3: 20..29 s
      'failure_group:5' // window 4: 30..34 s
    ])
    expect(notified.reduce((sum, n) => sum + n.count, 0)).toBe(35)
    expect(notified[4]!.title).toBe('Nightly ETL: 10 failures')
    // After a quiet spell the next failure is notified on its own again.
    expect(policy.onAlert(alert(), T0 + 200 * S)).toMatchObject([{ kind: 'failure' }])
  })

  it('counts singles over a sliding 10 s, so a window boundary cannot let a 4th through', () => {
    const policy = new NotificationPolicy()
    const out = [0, 9.5, 10, 10.1, 10.2].flatMap((t) => policy.onAlert(alert(), T0 + t * S))
    // 0 and 9.5 s are singles; at 10.1 s the singles of the last 10 s are 9.5, 10 and 10.1.
    expect(out.map((n) => n.kind)).toEqual(['failure', 'failure', 'failure', 'failure'])
    expect(policy.nextTickAt()).toBe(T0 + 19.5 * S)
    expect(policy.tick(T0 + 19.5 * S)).toMatchObject([
      { kind: 'failure_group', count: 1, title: 'Nightly ETL: 1 more failure' }
    ])
  })

  it('groups per workflow, independently', () => {
    const policy = new NotificationPolicy()
    const out: Notification[] = []
    for (let i = 0; i < 5; i += 1) {
      out.push(...policy.onAlert(alert('wf_etl'), T0 + i * 100))
      out.push(...policy.onAlert(alert('wf_orders'), T0 + i * 100 + 50))
    }
    expect(out).toHaveLength(6)
    const groups = policy.tick(T0 + 11 * S)
    expect(groups.map((n) => [n.kind, 'workflow_id' in n ? n.workflow_id : '', n.count])).toEqual([
      ['failure_group', 'wf_etl', 2],
      ['failure_group', 'wf_orders', 2]
    ])
  })

  it('flushes a due window on the next event even without a tick', () => {
    const policy = new NotificationPolicy()
    for (let i = 0; i < 5; i += 1) policy.onAlert(alert(), T0 + i)
    const out = policy.onAlert(alert('wf_orders'), T0 + 30 * S)
    expect(out.map((n) => n.kind)).toEqual(['failure_group', 'failure'])
  })

  it('honours custom thresholds and windows', () => {
    const policy = new NotificationPolicy({ burstThreshold: 1, burstWindowMs: 2 * S })
    const out = [alert(), alert(), alert()].flatMap((a, i) => policy.onAlert(a, T0 + i))
    expect(out).toHaveLength(1)
    expect(policy.tick(T0 + 2 * S)).toMatchObject([
      { kind: 'failure_group', count: 2, body: expect.stringContaining('within 2 s') }
    ])
  })
})

describe('NotificationPolicy: do-not-disturb', () => {
  it('suppresses notifications until the given time, then sends one summary', () => {
    const policy = new NotificationPolicy()
    expect(policy.setDoNotDisturb(T0 + 60 * S, T0)).toEqual([])
    expect(policy.doNotDisturbUntil).toBe(T0 + 60 * S)
    const suppressed = [alert('wf_etl'), alert('wf_orders'), alert('wf_etl'), alert('wf_etl')]
    for (const [i, a] of suppressed.entries()) expect(policy.onAlert(a, T0 + i * S)).toEqual([])
    expect(policy.nextTickAt()).toBe(T0 + 60 * S)
    expect(policy.tick(T0 + 59 * S)).toEqual([])
    const [summary, ...rest] = valid(policy.tick(T0 + 60 * S))
    expect(rest).toEqual([])
    expect(summary).toEqual({
      kind: 'dnd_summary',
      title: '4 executions failed during Do Not Disturb',
      body: 'Nightly ETL (3), Order Processing (1)',
      execution_ids: suppressed.map((a) => a.execution_id),
      count: 4,
      workflows: [
        { workflow_id: 'wf_etl', workflow_name: 'Nightly ETL', count: 3 },
        { workflow_id: 'wf_orders', workflow_name: 'Order Processing', count: 1 }
      ],
      at: new Date(T0 + 60 * S).toISOString()
    })
    expect(policy.doNotDisturbUntil).toBeUndefined()
    // Back to normal.
    expect(policy.onAlert(alert(), T0 + 61 * S)).toMatchObject([{ kind: 'failure' }])
  })

  it('ends early with setDoNotDisturb(null), and says nothing when nothing failed', () => {
    const policy = new NotificationPolicy()
    policy.setDoNotDisturb(T0 + 3600 * S, T0)
    policy.onAlert(alert(), T0 + S)
    expect(policy.setDoNotDisturb(null, T0 + 2 * S)).toMatchObject([
      { kind: 'dnd_summary', count: 1, title: '1 execution failed during Do Not Disturb' }
    ])
    policy.setDoNotDisturb(T0 + 10 * S, T0 + 3 * S)
    expect(policy.tick(T0 + 20 * S)).toEqual([])
    expect(policy.setDoNotDisturb(null, T0 + 21 * S)).toEqual([])
  })

  it('puts a burst group that closes during do-not-disturb into its summary', () => {
    const policy = new NotificationPolicy()
    const burst = Array.from({ length: 5 }, () => alert())
    const out = burst.flatMap((a, i) => policy.onAlert(a, T0 + i))
    expect(out).toHaveLength(3)
    policy.setDoNotDisturb(T0 + 30 * S, T0 + S)
    expect(policy.tick(T0 + 10 * S)).toEqual([])
    expect(policy.tick(T0 + 30 * S)).toMatchObject([
      { kind: 'dnd_summary', count: 2, execution_ids: burst.slice(3).map((a) => a.execution_id) }
    ])
  })

  it('orders a group that closes after do-not-disturb ends after the summary', () => {
    const policy = new NotificationPolicy()
    for (let i = 0; i < 5; i += 1) policy.onAlert(alert(), T0 + i)
    policy.setDoNotDisturb(T0 + 5 * S, T0 + S)
    policy.onAlert(alert('wf_orders'), T0 + 2 * S)
    // Do-not-disturb ends at 5 s, the group closes at 10 s: one tick, in that order.
    expect(policy.tick(T0 + 30 * S).map((n) => n.kind)).toEqual(['dnd_summary', 'failure_group'])
  })

  it('caps the listed ids but keeps the count exact', () => {
    const policy = new NotificationPolicy()
    policy.setDoNotDisturb(T0 + 10 * S, T0)
    for (let i = 0; i < 120; i += 1) policy.onAlert(alert(`wf_${i % 7}`), T0 + i)
    const [summary] = valid(policy.tick(T0 + 10 * S))
    expect(summary).toMatchObject({ count: 120 })
    expect(summary!.execution_ids).toHaveLength(50)
    expect(summary!.body).toMatch(/ and 2 more workflows$/)
  })
})

describe('NotificationPolicy: mute', () => {
  it('silences a muted workflow entirely, including summaries, until unmuted', () => {
    const policy = new NotificationPolicy({ muted: ['wf_orders'] })
    expect(policy.isMuted('wf_orders')).toBe(true)
    expect(policy.onAlert(alert('wf_orders'), T0)).toEqual([])
    policy.mute('wf_etl')
    expect(policy.mutedWorkflows.sort()).toEqual(['wf_etl', 'wf_orders'])
    for (let i = 0; i < 6; i += 1) expect(policy.onAlert(alert('wf_etl'), T0 + i)).toEqual([])
    expect(policy.tick(T0 + 60 * S)).toEqual([])
    policy.setDoNotDisturb(T0 + 70 * S, T0 + 61 * S)
    policy.onAlert(alert('wf_orders'), T0 + 62 * S)
    expect(policy.tick(T0 + 70 * S)).toEqual([])
    expect(policy.onCompleted(completed('wf_orders'), T0 + 71 * S)).toEqual([])
    policy.unmute('wf_orders')
    expect(policy.onAlert(alert('wf_orders'), T0 + 72 * S)).toMatchObject([{ kind: 'failure' }])
  })

  it('drops the held failures of a workflow muted mid-burst', () => {
    const policy = new NotificationPolicy()
    for (let i = 0; i < 5; i += 1) policy.onAlert(alert(), T0 + i)
    policy.mute('wf_etl')
    expect(policy.tick(T0 + 10 * S)).toEqual([])
  })
})

describe('NotificationPolicy: recovered', () => {
  it('notices once when a workflow that last failed completes', () => {
    const policy = new NotificationPolicy()
    expect(policy.onCompleted(completed(), T0)).toEqual([])
    policy.onAlert(alert(), T0 + S)
    const ok = completed('wf_etl', 'exec_ok_1')
    expect(valid(policy.onCompleted(ok, T0 + 20 * S))).toEqual([
      {
        kind: 'recovered',
        title: 'Nightly ETL recovered',
        body: 'Execution exec_ok_1 completed after earlier failures.',
        workflow_id: 'wf_etl',
        workflow_name: 'Nightly ETL',
        execution_ids: ['exec_ok_1'],
        count: 1,
        at: new Date(T0 + 20 * S).toISOString()
      }
    ])
    expect(policy.onCompleted(ok, T0 + 21 * S)).toEqual([])
    expect(policy.onCompleted(completed(), T0 + 22 * S)).toEqual([])
  })

  it('ignores transitions that are not completions, and can be switched off', () => {
    const policy = new NotificationPolicy()
    policy.onAlert(alert(), T0)
    const cancelled = { ...completed(), to: 'cancelled' }
    expect(policy.onCompleted(cancelled, T0 + S)).toEqual([])
    const off = new NotificationPolicy({ notifyRecovered: false })
    off.onAlert(alert(), T0)
    expect(off.onCompleted(completed(), T0 + S)).toEqual([])
  })

  it('flushes a held group of the workflow before saying it recovered', () => {
    const policy = new NotificationPolicy()
    for (let i = 0; i < 5; i += 1) policy.onAlert(alert(), T0 + i)
    expect(policy.onCompleted(completed(), T0 + 2 * S).map((n) => n.kind)).toEqual([
      'failure_group',
      'recovered'
    ])
    expect(policy.tick(T0 + 30 * S)).toEqual([])
    // The storm is over: the next failure is notified on its own.
    expect(policy.onAlert(alert(), T0 + 31 * S)).toMatchObject([{ kind: 'failure' }])
  })

  it('stays quiet during do-not-disturb but still clears the failed state', () => {
    const policy = new NotificationPolicy()
    policy.onAlert(alert(), T0)
    policy.setDoNotDisturb(T0 + 10 * S, T0 + S)
    expect(policy.onCompleted(completed(), T0 + 2 * S)).toEqual([])
    expect(policy.onCompleted(completed(), T0 + 20 * S)).toEqual([])
  })

  it('remembers a bounded number of failed workflows', () => {
    const policy = new NotificationPolicy({ workflowMemory: 2 })
    for (const wf of ['wf_1', 'wf_2', 'wf_3']) policy.onAlert(alert(wf), T0)
    expect(policy.onCompleted(completed('wf_1'), T0 + S)).toEqual([])
    expect(policy.onCompleted(completed('wf_3'), T0 + S)).toMatchObject([{ kind: 'recovered' }])
  })
})

describe('startup summary', () => {
  it('summarizes failures found at start in one notification', () => {
    const missed = [
      alert('wf_etl'),
      alert('wf_orders'),
      alert('wf_etl'),
      alert('wf_orders'),
      alert('wf_etl')
    ]
    const summary = summarizeMissedFailures(missed, T0)
    expect(NotificationSchema.parse(summary)).toEqual(summary)
    expect(summary).toEqual({
      kind: 'startup_summary',
      title: '5 executions failed while Nebula Desktop was closed',
      body: 'Nightly ETL (3), Order Processing (2)',
      execution_ids: missed.map((a) => a.execution_id),
      count: 5,
      workflows: [
        { workflow_id: 'wf_etl', workflow_name: 'Nightly ETL', count: 3 },
        { workflow_id: 'wf_orders', workflow_name: 'Order Processing', count: 2 }
      ],
      at: new Date(T0).toISOString()
    })
    expect(summarizeMissedFailures([alert()], T0)?.title).toBe(
      '1 execution failed while Nebula Desktop was closed'
    )
    expect(summarizeMissedFailures([], T0)).toBeNull()
  })

  it('applies mute and do-not-disturb, and primes recovered notices', () => {
    const policy = new NotificationPolicy({ muted: ['wf_orders'] })
    expect(policy.onMissedFailures([alert('wf_orders')], T0)).toEqual([])
    expect(policy.onMissedFailures([alert('wf_orders'), alert('wf_etl')], T0)).toMatchObject([
      { kind: 'startup_summary', count: 1, body: 'Nightly ETL (1)' }
    ])
    expect(policy.onCompleted(completed('wf_etl'), T0 + S)).toMatchObject([{ kind: 'recovered' }])

    const quiet = new NotificationPolicy()
    quiet.setDoNotDisturb(T0 + 10 * S, T0)
    expect(quiet.onMissedFailures([alert(), alert()], T0)).toEqual([])
    expect(quiet.tick(T0 + 10 * S)).toMatchObject([{ kind: 'dnd_summary', count: 2 }])
  })
})

describe('NotificationPolicy properties', () => {
  it('accounts for every alert exactly once and never sends more than 3 singles per workflow per window', () => {
    const event = fc.record({
      workflow: fc.constantFrom('wf_a', 'wf_b', 'wf_c'),
      gap: fc.integer({ min: 0, max: 15 * S })
    })
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const policy = new NotificationPolicy()
        const out: Notification[] = []
        const singlesAt = new Map<string, number[]>()
        let now = T0
        for (const { workflow, gap } of events) {
          now += gap
          for (const n of policy.onAlert(alert(workflow), now)) {
            out.push(n)
            if (n.kind === 'failure') {
              singlesAt.set(n.workflow_id, [...(singlesAt.get(n.workflow_id) ?? []), now])
            }
          }
        }
        out.push(...policy.tick(now + 3600 * S))
        expect(policy.nextTickAt()).toBeUndefined()
        valid(out)
        expect(out.every((n) => n.kind === 'failure' || n.kind === 'failure_group')).toBe(true)
        expect(out.reduce((sum, n) => sum + n.count, 0)).toBe(events.length)
        const ids = out.flatMap((n) => n.execution_ids)
        expect(new Set(ids).size).toBe(ids.length)
        for (const times of singlesAt.values()) {
          for (let i = 3; i < times.length; i += 1) {
            expect(times[i]! - times[i - 3]!).toBeGreaterThanOrEqual(10 * S)
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})
