import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { isTerminalStatus } from '@shared/protocol'
import { startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import { CORE_GATEWAY_DEFAULTS, startTestGateway } from '../fixtures/gateway'
import { nonLoopbackAddress } from '../helpers/network'
import { skipWith } from '../helpers/skip'
import { waitUntil } from '../helpers/wait'
import { BatchRecorder, call, ok, snapshot, waitForOpen, waitForSnapshot } from './support'

// The commands of the contract against the real (test) gateway in local dev mode, through the
// bridge host exactly as a transport calls them.

let app: TestApp | undefined
afterEach(async () => {
  await app?.dispose()
  app = undefined
})

async function liveApp(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  app = await startTestApp(options)
  await waitForOpen(app)
  return app
}

describe('commands', () => {
  it('executeWorkflow runs over the socket and the execution goes live', async () => {
    const test = await liveApp()
    const events = new BatchRecorder(test.host)
    const started = await ok(test.host, 'executeWorkflow', {
      profile_id: 'local',
      workflow_id: 'wf_user_onboarding',
      input: { user: 'ada' }
    })
    expect(started).toMatchObject({
      profile_id: 'local',
      workflow_id: 'wf_user_onboarding',
      input: { user: 'ada' }
    })
    const done = await waitForSnapshot(
      test,
      (s) => s.executions.some((e) => e.id === started.id && e.status === 'completed'),
      'the started execution to complete'
    )
    expect(done.executions.find((e) => e.id === started.id)?.progress?.percentage).toBe(100)
    expect(
      events.events('execution').filter((e) => e.execution.id === started.id).length
    ).toBeGreaterThan(1)
  })

  it('executeWorkflow of an unknown workflow names workflow_id; of an unknown profile names profile_id', async () => {
    const test = await liveApp()
    const unknown = await call(test.host, 'executeWorkflow', {
      profile_id: 'local',
      workflow_id: 'wf_nope',
      input: {}
    })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', field: 'workflow_id' } })
    const noProfile = await call(test.host, 'executeWorkflow', {
      profile_id: 'ghost',
      workflow_id: 'wf_x',
      input: {}
    })
    expect(noProfile).toMatchObject({
      ok: false,
      error: { code: 'not_found', field: 'profile_id' }
    })
  })

  it('cancelExecution cancels over REST; getExecution reads the server; unknown ids are not_found', async () => {
    const test = await liveApp({ gateway: { actionDelayMs: [400, 600] } })
    const engine = test.localGateway().engine
    const running = engine.startExecution('wf_nightly_etl', {}, { outcome: 'succeed' })!
    const cancelled = await ok(test.host, 'cancelExecution', {
      profile_id: 'local',
      execution_id: running.id
    })
    expect(cancelled.id).toBe(running.id)
    await waitUntil(() => isTerminalStatus(engine.getExecution(running.id)!.status), {
      what: 'cancelled'
    })
    const read = await ok(test.host, 'getExecution', {
      profile_id: 'local',
      execution_id: running.id
    })
    expect(read.status).toBe(engine.getExecution(running.id)!.status)
    expect(read.status).toBe('cancelled')
    expect(
      await call(test.host, 'cancelExecution', { profile_id: 'local', execution_id: 'nope' })
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found', field: 'execution_id' }
    })
    expect(
      await call(test.host, 'getExecution', { profile_id: 'local', execution_id: 'nope' })
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found', field: 'execution_id' }
    })
  })

  it('listExecutions pages the server history with filters', async () => {
    const test = await liveApp()
    const engine = test.localGateway().engine
    const ids = [0, 1, 2, 3, 4].map(
      (i) => engine.startExecution('wf_partner_sync', { i }, { outcome: 'succeed' })!.id
    )
    engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })
    const first = await ok(test.host, 'listExecutions', {
      profile_id: 'local',
      workflow_id: 'wf_partner_sync',
      limit: 2
    })
    expect(first.executions.map((e) => e.id)).toEqual(ids.slice().reverse().slice(0, 2))
    expect(first).toMatchObject({ has_more: true, total: 5 })
    const last = await ok(test.host, 'listExecutions', {
      profile_id: 'local',
      workflow_id: 'wf_partner_sync',
      offset: 4,
      limit: 2
    })
    expect(last.executions.map((e) => e.id)).toEqual([ids[0]])
    expect(last.has_more).toBe(false)
    expect(last.executions[0]!.profile_id).toBe('local')
  })

  it('followLogs answers the backlog, then streams new lines only while followed', async () => {
    const test = await liveApp({ gateway: { actionDelayMs: [150, 250] } })
    const events = new BatchRecorder(test.host)
    const engine = test.localGateway().engine
    const run = engine.startExecution('wf_order_processing', {}, { outcome: 'succeed' })!
    await waitUntil(() => (engine.getLogs(run.id)?.length ?? 0) >= 2, { what: 'two log lines' })
    await waitForSnapshot(test, (s) => s.executions.some((e) => e.id === run.id), 'the execution')
    const backlog = await ok(test.host, 'followLogs', { profile_id: 'local', execution_id: run.id })
    expect(backlog.lines.length).toBeGreaterThanOrEqual(1)
    expect(backlog.lines.map((l) => l.seq)).toEqual(backlog.lines.map((_, i) => i))
    await waitUntil(() => isTerminalStatus(engine.getExecution(run.id)!.status), {
      what: 'the end'
    })
    await waitUntil(
      () =>
        backlog.lines.length + events.events('logs').flatMap((e) => e.lines).length >=
        engine.getLogs(run.id)!.length,
      { what: 'every line to arrive' }
    )
    const streamed = events.events('logs').flatMap((e) => e.lines)
    const all = [...backlog.lines, ...streamed]
    // No gap, no duplicate: backlog and live lines join up.
    expect(all.map((l) => l.seq)).toEqual(all.map((_, i) => i))
    expect(all.map((l) => l.message)).toEqual(engine.getLogs(run.id)!.map((l) => l.message))
    // Unfollowed: a new execution's lines are not streamed, nor this one's.
    await ok(test.host, 'unfollowLogs', { profile_id: 'local', execution_id: run.id })
    const before = events.events('logs').length
    const other = engine.startExecution('wf_partner_sync', {}, { outcome: 'succeed' })!
    await waitForSnapshot(
      test,
      (s) => s.executions.some((e) => e.id === other.id && e.status === 'completed'),
      'other'
    )
    expect(events.events('logs').length).toBe(before)
  })

  it('followLogs of history this run never saw reads the server (GET /executions/{id}/logs)', async () => {
    app = await startTestApp()
    await waitForOpen(app)
    const engine = app.localGateway().engine
    const run = engine.startExecution('wf_partner_sync', {}, { outcome: 'fail' })!
    await waitUntil(() => isTerminalStatus(engine.getExecution(run.id)!.status), { what: 'done' })
    // A second app against the same gateway has never seen this execution's lines.
    const url = (await snapshot(app)).profiles[0]!.server_url
    const token = await app.localGateway().mintToken({ sub: 'second' })
    const second = await startTestApp({
      localDevMode: false,
      profiles: [{ id: 'same', server_url: url }]
    })
    try {
      await second.vault.set('same', token)
      await ok(second.host, 'reconnect', { profile_id: 'same' })
      const answer = await ok(second.host, 'followLogs', {
        profile_id: 'same',
        execution_id: run.id
      })
      expect(answer.lines.map((l) => l.message)).toEqual(
        engine.getLogs(run.id)!.map((l) => l.message)
      )
      expect(answer.truncated).toBe(false)
      // Followed again (the page reloaded): the lines read from the server were kept.
      await ok(second.host, 'unfollowLogs', { profile_id: 'same', execution_id: run.id })
      const again = await ok(second.host, 'followLogs', {
        profile_id: 'same',
        execution_id: run.id
      })
      expect(again).toEqual(answer)
    } finally {
      await second.dispose()
    }
  })

  it('testConnection measures a reachable server and never echoes the token', async () => {
    const test = await liveApp()
    const url = (await snapshot(test)).profiles[0]!.server_url
    const good = await ok(test.host, 'testConnection', { server_url: url, profile_id: 'local' })
    expect(good).toMatchObject({ ok: true, message: 'reachable and signed in' })
    expect(good.latency_ms).toBeGreaterThanOrEqual(0)
    const anonymous = await ok(test.host, 'testConnection', { server_url: url })
    expect(anonymous).toMatchObject({ ok: false, message: expect.stringMatching(/sign in/) })
    const token = 'not-a-valid-token-but-long-enough'
    await test.vault.set('fake', token)
    const down = await ok(test.host, 'testConnection', { server_url: 'http://127.0.0.1:9' })
    expect(down.ok).toBe(false)
    expect(down.message).toMatch(/could not reach/)
    const insecure = await call(test.host, 'testConnection', {
      server_url: 'http://203.0.113.7:8000',
      profile_id: 'ghost'
    })
    expect(insecure).toMatchObject({ ok: false, error: { code: 'not_found', field: 'profile_id' } })
  })

  it('testConnection tries plain http to another machine without a token, with one only when allowed', async (context) => {
    const address = nonLoopbackAddress()
    if (!address) {
      skipWith(context, 'this machine has no IPv4 address other than loopback to serve on')
      return
    }
    const test = await liveApp()
    const remote = await startTestGateway({ ...CORE_GATEWAY_DEFAULTS, host: address })
    onTestFinished(() => remote.close())
    expect(remote.url).toContain(address)
    // No token: nothing secret would travel, so the server is tried.
    const anonymous = await ok(test.host, 'testConnection', { server_url: remote.url })
    expect(anonymous).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^reachable; sign in/)
    })
    // A saved token: not over plain http to another machine, unless the user allows it.
    const withToken = { server_url: remote.url, profile_id: 'local' }
    const refused = await ok(test.host, 'testConnection', withToken)
    expect(refused).toEqual({
      ok: false,
      message: expect.stringMatching(/unencrypted.*allow an insecure connection/)
    })
    const allowed = await ok(test.host, 'testConnection', { ...withToken, allow_insecure: true })
    expect(allowed.latency_ms).toBeGreaterThanOrEqual(0)
    expect(allowed.message).toMatch(/^reachable/)
  })

  it('markFailuresSeen clears unseen failures (one, then all) and says which', async () => {
    const test = await liveApp()
    const events = new BatchRecorder(test.host)
    const engine = test.localGateway().engine
    const a = engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
    const b = engine.startExecution('wf_partner_sync', {}, { outcome: 'time_out' })!
    await waitForSnapshot(test, (s) => s.failures.length === 2, 'two failures')
    expect(test.service.trayInputs().unseen_failures).toBe(2)
    await ok(test.host, 'markFailuresSeen', {
      failures: [{ profile_id: 'local', execution_id: a.id }]
    })
    let snap = await snapshot(test)
    expect(snap.failures.map((f) => [f.execution_id, f.seen])).toEqual(
      [
        [b.id, false],
        [a.id, true]
      ].sort((x, y) => (snap.failures[0]!.execution_id === x[0] ? -1 : y[0] === x[0] ? 0 : 1))
    )
    await ok(test.host, 'markFailuresSeen', {})
    snap = await snapshot(test)
    expect(snap.failures.every((f) => f.seen)).toBe(true)
    expect(test.service.trayInputs().unseen_failures).toBe(0)
    expect(events.events('failures_seen').map((e) => e.failures.length)).toEqual([1, 1])
  })

  it('reconnect nudges; updateSettings persists and is echoed as a settings event', async () => {
    const test = await liveApp()
    expect(await ok(test.host, 'reconnect', {})).toBeNull()
    expect(await call(test.host, 'reconnect', { profile_id: 'ghost' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' }
    })
    const events = new BatchRecorder(test.host)
    const settings = await ok(test.host, 'updateSettings', {
      launch_at_login: true,
      close_to_tray: false
    })
    expect(settings).toMatchObject({ launch_at_login: true, close_to_tray: false })
    await snapshot(test)
    expect(events.events('settings').at(-1)?.settings).toMatchObject({ launch_at_login: true })
    expect(await call(test.host, 'updateSettings', {})).toMatchObject({
      ok: false,
      error: { field: 'request' }
    })
  })
})
