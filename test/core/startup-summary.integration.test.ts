import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEngine } from '@gateway'
import type { Engine } from '@gateway'
import type { MonitorSession } from '@main/core/session'
import { isTerminalStatus } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { startCoreGateway, startSession, testSessionOptions } from './support'
import type { SessionRecorder } from './support'
import { useCleanup } from '../helpers/cleanup'

// Failures while the monitor was closed: on the next start (same state dir and profile) one
// startup summary, one alert each, and nothing for what the previous run already alerted:
// exactly once across restarts of the session. A corrupt state file is moved aside with a
// clear message and the monitor still works. Against both dialects and foreign field shapes.

const SERVERS = [
  { dialect: 'extended' },
  { dialect: 'document' },
  { dialect: 'document', foreignShapes: true }
] as const

const cleanup = useCleanup()

function start(engine: Engine, workflowId: string, outcome: 'fail' | 'succeed'): string {
  const execution = engine.startExecution(workflowId, {}, { outcome })
  if (!execution) throw new Error(`no workflow ${workflowId}`)
  return execution.id
}

async function finished(engine: Engine, ids: string[]): Promise<void> {
  await waitUntil(
    () => ids.every((id) => isTerminalStatus(engine.getExecution(id)?.status ?? '')),
    { timeoutMs: 10_000, what: 'executions to finish' }
  )
}

describe.each(SERVERS)('startup summary from persisted state (%o)', (server) => {
  it('summarises failures missed while closed, alerts each once, and survives a corrupt file', async () => {
    const engine = createEngine({
      autoRun: false,
      actionDelayMs: [40, 60],
      seed: 11,
      failureRate: 0
    })
    cleanup.push(() => engine.dispose())
    const gateway = await startCoreGateway({ engine, ...server })
    cleanup.push(() => gateway.close())
    const token = await gateway.mintToken()
    const stateDir = mkdtempSync(join(tmpdir(), 'nebula-state-'))
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }))
    const statePath = join(stateDir, 'summary.state.json')
    const run = async (): Promise<{ session: MonitorSession; rec: SessionRecorder }> => {
      const started = startSession(
        testSessionOptions(gateway.url, () => token, { stateDir, profile: 'summary' })
      )
      cleanup.push(() => started.session.dispose())
      await started.rec.waitForState('open')
      return started
    }

    // Run 1: history before it is not news; a failure during it is alerted.
    const history = start(engine, 'wf_nightly_etl', 'fail')
    await finished(engine, [history])
    const first = await run()
    expect(first.rec.alerts).toEqual([])
    const alertedInRun1 = start(engine, 'wf_order_processing', 'fail')
    await waitUntil(() => first.rec.alertsFor(alertedInRun1).length === 1, { what: 'run 1 alert' })
    // Running when the monitor closes, fails afterwards.
    const running = start(engine, 'wf_user_onboarding', 'fail')
    const newer = start(engine, 'wf_partner_sync', 'succeed')
    await waitUntil(
      () =>
        first.session.store.getExecution(running)?.status === 'running' &&
        first.session.store.getExecution(newer) !== undefined,
      { what: 'a running execution, and a newer one seen' }
    )
    first.session.dispose()
    expect(readFileSync(statePath, 'utf8')).not.toContain(token)

    // While closed.
    const missed = [
      start(engine, 'wf_order_processing', 'fail'),
      start(engine, 'wf_order_processing', 'fail'),
      start(engine, 'wf_nightly_etl', 'fail')
    ]
    const fine = start(engine, 'wf_partner_sync', 'succeed')
    await finished(engine, [running, newer, ...missed, fine])

    // Run 2: one summary for the four, one alert each, nothing for run 1's or older failures.
    const second = await run()
    const expected = [running, ...missed]
    expect(second.rec.alerts.map((a) => a.execution_id).sort()).toEqual([...expected].sort())
    expect(second.rec.notifications).toHaveLength(1)
    const summary = second.rec.notifications[0]!
    expect(summary.kind).toBe('startup_summary')
    expect(summary.count).toBe(4)
    expect([...summary.execution_ids].sort()).toEqual([...expected].sort())
    second.session.dispose()

    // Run 3: exactly one missed failure.
    const lone = start(engine, 'wf_partner_sync', 'fail')
    await finished(engine, [lone])
    const third = await run()
    expect(third.rec.alerts.map((a) => a.execution_id)).toEqual([lone])
    expect(third.rec.notifications.map((n) => [n.kind, n.count, n.execution_ids])).toEqual([
      ['startup_summary', 1, [lone]]
    ])
    third.session.dispose()

    // Run 4: a corrupt state file is moved aside, the run starts fresh (old failures are
    // history again, so nothing is alerted for them) and new failures are still alerted.
    writeFileSync(statePath, '{"version":1, this is not json')
    const fourth = await run()
    expect(
      fourth.rec.logs.some((l) => /state file .* was corrupt; kept it as .*corrupt-/.test(l))
    ).toBe(true)
    const aside = readdirSync(stateDir).filter((f) => f.startsWith('summary.state.json.corrupt-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(stateDir, aside[0]!), 'utf8')).toContain('this is not json')
    expect(fourth.rec.alerts).toEqual([])
    const fresh = start(engine, 'wf_nightly_etl', 'fail')
    await waitUntil(() => fourth.rec.alertsFor(fresh).length === 1, { what: 'alert after reset' })
    expect(fourth.rec.notifications.map((n) => n.kind)).toEqual(['failure'])
    fourth.session.dispose()
    expect(existsSync(statePath)).toBe(true)
    expect(JSON.parse(readFileSync(statePath, 'utf8')).alerted_ids).toContain(fresh)
    // All runs together: every failure since run 1 began alerted exactly once; history never.
    const all = [first, second, third, fourth].flatMap((r) =>
      r.rec.alerts.map((a) => a.execution_id)
    )
    expect(all.sort()).toEqual([alertedInRun1, running, ...missed, lone, fresh].sort())
    expect(all).not.toContain(history)
  }, 30_000)
})
