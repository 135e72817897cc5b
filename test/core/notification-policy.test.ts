import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ExecutionTransition } from '@main/core/alert-policy'
import { NotificationPolicy } from '@main/core/notification-policy'
import {
  FAILURE_SUMMARY_TAG,
  NotificationSchema,
  type Alert,
  type Notification
} from '@shared/alerts'

// The notification budget, as pure decisions on a clock the test passes in.

const T0 = Date.parse('2026-03-01T12:00:00.000Z')
const S = 1000
const MIN = 60 * S

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

/** Runs `events` (alerts, completions) at their times, then flushes everything due. */
function run(
  policy: NotificationPolicy,
  events: Array<{ at: number; alert?: Alert; ok?: ExecutionTransition; profile?: string }>
): Notification[] {
  const out: Notification[] = []
  for (const e of events) {
    if (e.alert) out.push(...policy.onAlert(e.alert, e.at, e.profile))
    if (e.ok) out.push(...policy.onCompleted(e.ok, e.at, e.profile))
  }
  out.push(...policy.tick((events.at(-1)?.at ?? T0) + 24 * 60 * MIN))
  expect(policy.nextTickAt()).toBeUndefined()
  return valid(out)
}

describe('single failures', () => {
  it('turns one alert into one failure notification, naming the profile when given', () => {
    const policy = new NotificationPolicy()
    const a = alert('wf_orders', {
      failed_action: { id: 'act_pay', name: 'Process Payment' },
      error_message: 'Card declined'
    })
    expect(valid(policy.onAlert(a, T0, 'prod'))).toEqual([
      {
        kind: 'failure',
        title: 'Order Processing failed',
        body: 'Failed at Process Payment: Card declined',
        workflow_id: 'wf_orders',
        workflow_name: 'Order Processing',
        status: 'failed',
        execution_ids: [a.execution_id],
        count: 1,
        at: new Date(T0).toISOString(),
        profile: 'prod'
      }
    ])
    expect(policy.tick(T0 + 60 * MIN)).toEqual([])
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

describe('the budget and the failure summary', () => {
  it('sends 3 singles a minute across workflows, then one summary 10 s later', () => {
    const policy = new NotificationPolicy()
    const first = ['wf_a', 'wf_b', 'wf_c'].flatMap((w, i) => policy.onAlert(alert(w), T0 + i * S))
    expect(first.map((n) => n.kind)).toEqual(['failure', 'failure', 'failure'])
    const held = [alert('wf_d'), alert('wf_a'), alert('wf_d', { status: 'timed_out' })]
    for (const [i, a] of held.entries()) expect(policy.onAlert(a, T0 + (4 + i) * S)).toEqual([])
    expect(policy.nextTickAt()).toBe(T0 + 14 * S)
    expect(policy.tick(T0 + 13 * S)).toEqual([])
    const [summary] = valid(policy.tick(T0 + 14 * S))
    expect(summary).toMatchObject({
      kind: 'failure_summary',
      tag: FAILURE_SUMMARY_TAG,
      title: '3 failures in 2 workflows',
      count: 3,
      workflow_count: 2,
      since: new Date(T0 + 4 * S).toISOString(),
      workflows: [
        { workflow_id: 'wf_d', count: 2 },
        { workflow_id: 'wf_a', count: 1 }
      ],
      last: { execution_id: held[2]!.execution_id, status: 'timed_out' },
      execution_ids: held.map((a) => a.execution_id)
    })
    expect(summary!.body).toMatch(/^Last: wf_d timed out \(exec_\d+\)\. wf_d \(2\), wf_a \(1\)\.$/)
  })

  it('updates the one summary in place, cumulatively, at most once a minute, while a storm lasts', () => {
    const policy = new NotificationPolicy()
    const events = Array.from({ length: 300 }, (_, i) => ({
      at: T0 + i * S, // one failure a second for five minutes
      alert: alert(`wf_${i % 7}`)
    }))
    const out = run(policy, events)
    const singles = out.filter((n) => n.kind === 'failure')
    const summaries = out.filter((n) => n.kind === 'failure_summary')
    expect(singles).toHaveLength(3) // the budget refills, but a storm is never split again
    expect(summaries.length).toBeLessThanOrEqual(6)
    expect(new Set(summaries.map((n) => n.tag))).toEqual(new Set([FAILURE_SUMMARY_TAG]))
    expect(
      new Set(summaries.map((n) => (n.kind === 'failure_summary' ? n.since : '')))
    ).toHaveLength(1)
    const times = summaries.map((n) => Date.parse(n.at))
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(MIN)
    expect(summaries.at(-1)!.count).toBe(297)
    expect(summaries.map((n) => n.count)).toEqual(
      [...summaries.map((n) => n.count)].sort((a, b) => a - b)
    )
  })

  it('starts afresh with singles once a quiet interval has passed after the summary', () => {
    const policy = new NotificationPolicy()
    const early = run(
      policy,
      [0, 1, 2, 3].map((i) => ({ at: T0 + i * S, alert: alert() }))
    )
    expect(early.map((n) => n.kind)).toEqual(['failure', 'failure', 'failure', 'failure_summary'])
    const later = policy.onAlert(alert(), T0 + 25 * 60 * MIN)
    expect(later.map((n) => n.kind)).toEqual(['failure'])
  })

  it('storm: 10 000 failures over 20 workflows within 10 s give at most 5 notifications', () => {
    const policy = new NotificationPolicy()
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      at: T0 + i, // 10 000 within 10 s
      alert: alert(`wf_${i % 20}`)
    }))
    const out = run(policy, events)
    expect(out.length).toBeLessThanOrEqual(5)
    expect(out.filter((n) => n.kind === 'failure')).toHaveLength(3)
    expect(out.filter((n) => n.kind === 'failure_summary').at(-1)).toMatchObject({
      count: 9_997,
      workflow_count: 20
    })
  })

  it('storm: 10 000 failures interleaved with successes over 50 workflows stay a handful', () => {
    const policy = new NotificationPolicy()
    const events = Array.from({ length: 20_000 }, (_, i) => {
      const workflow = `wf_${Math.floor(i / 2) % 50}`
      return i % 2 === 0
        ? { at: T0 + i * 5, alert: alert(workflow) }
        : { at: T0 + i * 5, ok: completed(workflow) }
    })
    const out = run(policy, events)
    expect(out.length, out.map((n) => n.kind).join(',')).toBeLessThanOrEqual(10)
    expect(out.filter((n) => n.kind === 'failure')).toHaveLength(3)
    expect(out.filter((n) => n.kind === 'recovered').length).toBeLessThanOrEqual(3)
  })
})

describe('flapping and recovery', () => {
  it('says once that a workflow flaps, stays quiet, and says it recovered once it settles', () => {
    const policy = new NotificationPolicy({ summaryDelayMs: 0 })
    const events: Array<{ at: number; alert?: Alert; ok?: ExecutionTransition }> = []
    for (let i = 0; i < 6; i++) {
      events.push({ at: T0 + i * 20 * MIN, alert: alert() })
      events.push({ at: T0 + i * 20 * MIN + 10 * S, ok: completed() })
    }
    // 20 min apart: each failure comes long after the previous recovery: no flapping.
    expect(run(policy, events).map((n) => n.kind)).toEqual([
      ...Array(6).fill(['failure', 'recovered']).flat()
    ])

    const flappy = new NotificationPolicy()
    const quick: typeof events = []
    for (let i = 0; i < 8; i++) {
      quick.push({ at: T0 + i * MIN, alert: alert() })
      quick.push({ at: T0 + i * MIN + 10 * S, ok: completed() })
    }
    const out = run(flappy, quick)
    expect(out.map((n) => n.kind)).toEqual([
      'failure',
      'failure',
      'failure',
      'flapping',
      'recovered'
    ])
    expect(out[3]).toMatchObject({ kind: 'flapping', title: 'Nightly ETL is flapping', cycles: 3 })
    expect(Date.parse(out[4]!.at)).toBe(T0 + 7 * MIN + 10 * S + 2 * MIN)
  })

  it('says recovered only after a quiet while, and only for workflows it told about', () => {
    const policy = new NotificationPolicy()
    policy.onAlert(alert('wf_a'), T0)
    expect(policy.onCompleted(completed('wf_a'), T0 + S)).toEqual([])
    expect(policy.tick(T0 + S + 2 * MIN - 1)).toEqual([])
    expect(policy.tick(T0 + S + 2 * MIN)).toMatchObject([
      { kind: 'recovered', workflow_id: 'wf_a' }
    ])
    // A completion without an earlier failure says nothing; other transitions are ignored.
    expect(policy.onCompleted(completed('wf_b'), T0 + 10 * MIN)).toEqual([])
    const failedAgain = { ...completed('wf_a'), to: 'failed' }
    expect(policy.onCompleted(failedAgain, T0 + 10 * MIN)).toEqual([])

    // Only in the summary: no recovered notice for it.
    const busy = new NotificationPolicy()
    const kinds = run(busy, [
      ...['wf_1', 'wf_2', 'wf_3', 'wf_4'].map((w, i) => ({ at: T0 + i, alert: alert(w) })),
      { at: T0 + 5 * S, ok: completed('wf_4') }
    ]).map((n) => (n.kind === 'recovered' ? `recovered ${n.workflow_id}` : n.kind))
    expect(kinds).toEqual(['failure', 'failure', 'failure', 'failure_summary'])
  })

  it('can be switched off, and is muted with its workflow', () => {
    const off = new NotificationPolicy({ notifyRecovered: false })
    expect(
      run(off, [
        { at: T0, alert: alert() },
        { at: T0 + S, ok: completed() }
      ]).map((n) => n.kind)
    ).toEqual(['failure'])
  })

  it('is told only when on both as the quiet period begins and when it ends (configure)', () => {
    const policy = new NotificationPolicy()
    policy.onAlert(alert('wf_a'), T0)
    policy.onAlert(alert('wf_b'), T0)
    policy.configure({ notifyRecovered: false })
    policy.onCompleted(completed('wf_a'), T0 + S)
    // Switched back on before wf_a's quiet period ends: wf_a began while off, so it stays quiet.
    policy.configure({ notifyRecovered: true })
    policy.onCompleted(completed('wf_b'), T0 + 2 * S)
    const told = policy.tick(T0 + 10 * MIN)
    expect(told.map((n) => (n.kind === 'recovered' ? n.workflow_id : n.kind))).toEqual(['wf_b'])
  })

  it('takes a new single budget at once (configure)', () => {
    const policy = new NotificationPolicy()
    policy.configure({ singleBudget: 1 })
    const kinds = [1, 2, 3].flatMap((n) =>
      policy.onAlert(alert(`wf_${n}`, { execution_id: `exec_${n}` }), T0 + n)
    )
    expect(kinds.map((n) => n.kind)).toEqual(['failure'])
  })
})

describe('do-not-disturb', () => {
  it('suppresses notifications until the given time, then sends one summary', () => {
    const policy = new NotificationPolicy()
    expect(policy.setDoNotDisturb(T0 + 30 * MIN, T0)).toEqual([])
    for (let i = 0; i < 40; i++)
      expect(policy.onAlert(alert(i % 2 ? 'wf_etl' : 'wf_orders'), T0 + i * S)).toEqual([])
    expect(policy.nextTickAt()).toBe(T0 + 30 * MIN)
    const [summary] = valid(policy.tick(T0 + 30 * MIN))
    expect(summary).toMatchObject({
      kind: 'dnd_summary',
      title: '40 executions failed during Do Not Disturb',
      count: 40,
      body: 'Order Processing (20), Nightly ETL (20)'
    })
    expect(summary!.execution_ids).toHaveLength(40)
    expect(policy.doNotDisturbUntil).toBeUndefined()
  })

  it('ends early with setDoNotDisturb(null), and says nothing when nothing failed', () => {
    const policy = new NotificationPolicy()
    policy.setDoNotDisturb(T0 + MIN, T0)
    expect(policy.setDoNotDisturb(null, T0 + S)).toEqual([])
    expect(policy.onAlert(alert(), T0 + 2 * S).map((n) => n.kind)).toEqual(['failure'])
  })

  it('puts a summary that falls due during do-not-disturb into its summary', () => {
    const policy = new NotificationPolicy()
    for (let i = 0; i < 5; i++) policy.onAlert(alert(), T0 + i)
    policy.setDoNotDisturb(T0 + 5 * MIN, T0 + S)
    expect(policy.tick(T0 + MIN)).toEqual([])
    expect(policy.tick(T0 + 5 * MIN)).toMatchObject([{ kind: 'dnd_summary', count: 2 }])
  })

  it('caps the listed ids but keeps the count exact', () => {
    const policy = new NotificationPolicy()
    policy.setDoNotDisturb(T0 + MIN, T0)
    for (let i = 0; i < 120; i++) policy.onAlert(alert(), T0 + i)
    const [summary] = policy.tick(T0 + MIN)
    expect(summary).toMatchObject({ count: 120 })
    expect(summary!.execution_ids).toHaveLength(50)
  })
})

describe('mute', () => {
  it('silences a muted workflow entirely, including summaries, until unmuted', () => {
    const policy = new NotificationPolicy({ muted: ['wf_etl'] })
    expect(
      run(
        policy,
        [0, 1, 2, 3, 4].map((i) => ({ at: T0 + i, alert: alert('wf_etl') }))
      )
    ).toEqual([])
    expect(policy.mutes.isMuted('wf_etl')).toBe(true)
    policy.mutes.unmute('wf_etl')
    expect(policy.onAlert(alert('wf_etl'), T0 + 30 * MIN).map((n) => n.kind)).toEqual(['failure'])
  })

  it('mutes one profile’s workflow without muting the same id elsewhere', () => {
    const policy = new NotificationPolicy()
    policy.mutes.mute('wf_etl', 'staging')
    expect(policy.onAlert(alert('wf_etl'), T0, 'staging')).toEqual([])
    expect(policy.onAlert(alert('wf_etl'), T0, 'prod')).toMatchObject([{ profile: 'prod' }])
    expect(policy.mutes.list()).toEqual(['staging:wf_etl'])
  })
})

describe('startup summary', () => {
  it('summarizes failures found at start in one notification, and primes recovered', () => {
    const policy = new NotificationPolicy({ muted: ['wf_muted'] })
    const missed = [alert('wf_etl'), alert('wf_orders'), alert('wf_etl'), alert('wf_muted')]
    const [summary] = valid(policy.onMissedFailures(missed, T0, 'prod'))
    expect(summary).toEqual({
      kind: 'startup_summary',
      title: '3 executions failed while Nebula Desktop was closed',
      body: 'Nightly ETL [prod] (2), Order Processing [prod] (1)',
      execution_ids: missed.slice(0, 3).map((a) => a.execution_id),
      count: 3,
      workflows: [
        { workflow_id: 'wf_etl', workflow_name: 'Nightly ETL', profile: 'prod', count: 2 },
        { workflow_id: 'wf_orders', workflow_name: 'Order Processing', profile: 'prod', count: 1 }
      ],
      at: new Date(T0).toISOString(),
      profile: 'prod'
    })
    policy.onCompleted(completed('wf_etl'), T0 + S, 'prod')
    expect(policy.tick(T0 + 3 * MIN)).toMatchObject([{ kind: 'recovered', profile: 'prod' }])
    expect(policy.onMissedFailures([], T0)).toEqual([])

    const quiet = new NotificationPolicy()
    quiet.setDoNotDisturb(T0 + 10 * S, T0)
    expect(quiet.onMissedFailures([alert(), alert()], T0)).toEqual([])
    expect(quiet.tick(T0 + 10 * S)).toMatchObject([{ kind: 'dnd_summary', count: 2 }])
  })
})

describe('several profiles, one policy', () => {
  it('shares one budget and one summary across profiles, naming each', () => {
    const policy = new NotificationPolicy()
    const out = run(policy, [
      { at: T0, alert: alert('wf_etl'), profile: 'prod' },
      { at: T0 + 1, alert: alert('wf_etl'), profile: 'staging' },
      { at: T0 + 2, alert: alert('wf_orders'), profile: 'prod' },
      { at: T0 + 3, alert: alert('wf_orders'), profile: 'staging' },
      { at: T0 + 4, alert: alert('wf_etl'), profile: 'prod' }
    ])
    expect(out.map((n) => [n.kind, n.profile])).toEqual([
      ['failure', 'prod'],
      ['failure', 'staging'],
      ['failure', 'prod'],
      ['failure_summary', undefined]
    ])
    expect(out[3]).toMatchObject({ count: 2, workflow_count: 2 })
  })

  it('asks each profile once to sign in again, until it is live again (held during do-not-disturb)', () => {
    const policy = new NotificationPolicy()
    const [notice] = valid(policy.onAuthFailed(T0, 'prod', 'server answered HTTP 401'))
    expect(notice).toMatchObject({
      kind: 'auth_failed',
      title: 'Sign in again to prod',
      profile: 'prod',
      tag: 'auth-failed:prod',
      reason: 'server answered HTTP 401'
    })
    expect(policy.onAuthFailed(T0 + S, 'prod')).toEqual([])
    policy.onAuthRestored('prod')
    policy.setDoNotDisturb(T0 + MIN, T0 + 2 * S)
    expect(policy.onAuthFailed(T0 + 3 * S, 'prod')).toEqual([])
    expect(policy.tick(T0 + MIN)).toMatchObject([{ kind: 'auth_failed', profile: 'prod' }])
  })
})

describe('NotificationPolicy properties', () => {
  it('accounts for every alert once, within 3 singles a minute and one summary a minute', () => {
    const event = fc.record({
      workflow: fc.constantFrom('wf_a', 'wf_b', 'wf_c', 'wf_d'),
      profile: fc.constantFrom(undefined, 'prod', 'staging'),
      gap: fc.integer({ min: 0, max: 90 * S })
    })
    fc.assert(
      fc.property(fc.array(event, { maxLength: 120 }), (events) => {
        const policy = new NotificationPolicy()
        let now = T0
        const timed = events.map(({ workflow, profile, gap }) => {
          now += gap
          return { at: now, alert: alert(workflow), ...(profile ? { profile } : {}) }
        })
        const out = run(policy, timed)
        const singles = out.filter((n) => n.kind === 'failure')
        const summaries = out.filter((n) => n.kind === 'failure_summary')
        expect(singles.length + summaries.length).toBe(out.length)
        // Each summary series (one `since`) ends with its cumulative count.
        const finalCounts = new Map<string, number>()
        for (const n of summaries)
          if (n.kind === 'failure_summary') finalCounts.set(n.since, n.count)
        const accounted = singles.length + [...finalCounts.values()].reduce((a, b) => a + b, 0)
        expect(accounted).toBe(events.length)
        const singleTimes = singles.map((n) => Date.parse(n.at))
        for (let i = 3; i < singleTimes.length; i++) {
          expect(singleTimes[i]! - singleTimes[i - 3]!).toBeGreaterThanOrEqual(MIN)
        }
        const summaryTimes = summaries.map((n) => Date.parse(n.at))
        for (let i = 1; i < summaryTimes.length; i++) {
          expect(summaryTimes[i]! - summaryTimes[i - 1]!).toBeGreaterThanOrEqual(MIN)
        }
      }),
      { numRuns: 300 }
    )
  })
})
