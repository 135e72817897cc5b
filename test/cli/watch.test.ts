import { describe, expect, it, vi } from 'vitest'
import { runWatchCli } from '@main/cli/watch'
import { TEST_SECRET, freePort } from '../fixtures/gateway'
import { freshClaims, signHmac } from '../helpers/jwt'
import { waitUntil } from '../helpers/wait'
import { TcpProxy } from '../core/support'
import { afterThisTest, jsonLines, startGateway, useBuiltCli, watch, watchServer } from './support'

// The built `watch` CLI as a user runs it: `node bin/nebula-desktop.js watch ...` (real process,
// real gateway). Build first: `npm run build` (npm test does).

useBuiltCli()

describe('nebula-desktop watch (built CLI)', () => {
  it('--local --format json: JSON lines only, reaches open, exits 0 on SIGTERM', async () => {
    const child = watch(['--local', '--format', 'json'])
    await child.waitForOutput(/"kind":"state","state":"open"/, 15_000)
    child.kill('SIGTERM')
    const exit = await child.waitForExit(10_000)
    expect(exit).toEqual({ code: 0, signal: null })
    const lines = jsonLines(child.stdout)
    expect(lines.some((l) => l.kind === 'state' && l.state === 'open')).toBe(true)
    expect(lines.some((l) => l.kind === 'message')).toBe(true)
    expect(lines.at(-1)).toMatchObject({ kind: 'state', state: 'closed' })
    expect(child.stderr).toMatch(/local gateway on http:\/\/127\.0\.0\.1:\d+/)
  })

  it('--server with --token-env prints one alert for a forced failure and never the token', async () => {
    const gateway = await startGateway()
    const token = await gateway.mintToken({ sub: 'cli-user' })
    const child = watchServer(gateway.url, token)
    await child.waitForOutput(/"kind":"state","state":"open"/, 15_000)
    const failed = gateway.engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!
    await child.waitForOutput(new RegExp(`"kind":"alert","execution_id":"${failed.id}"`), 10_000)
    // A later execution finishing is the barrier: anything about the failure came before it.
    const barrier = gateway.engine.startExecution('wf_nightly_etl', {}, { outcome: 'succeed' })!
    await waitUntil(
      () =>
        jsonLines(child.stdout).some(
          (l) =>
            l.kind === 'message' &&
            (l.message as { execution?: { id: string; status: string } }).execution?.id ===
              barrier.id &&
            (l.message as { execution: { status: string } }).execution.status === 'completed'
        ),
      { timeoutMs: 10_000, what: 'the barrier execution to complete' }
    )
    child.kill('SIGTERM')
    expect(await child.waitForExit(10_000)).toEqual({ code: 0, signal: null })

    const lines = jsonLines(child.stdout)
    const alerts = lines.filter((l) => l.kind === 'alert')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      kind: 'alert',
      execution_id: failed.id,
      workflow_id: 'wf_order_processing',
      workflow_name: 'Order Processing',
      status: 'failed'
    })
    expect(lines.filter((l) => l.kind === 'notification')).toHaveLength(1)
    expect(child.output).not.toContain(token)
  })

  it('exits 0 promptly on SIGTERM even when the server has frozen', async () => {
    const gateway = await startGateway()
    const proxy = await TcpProxy.start(gateway.port)
    afterThisTest(() => proxy.close())
    const token = await gateway.mintToken()
    const child = watchServer(proxy.url, token)
    await child.waitForOutput(/"kind":"state","state":"open"/, 15_000)
    proxy.freeze()
    const stoppedAt = Date.now()
    child.kill('SIGTERM')
    expect(await child.waitForExit(10_000)).toEqual({ code: 0, signal: null })
    expect(Date.now() - stoppedAt).toBeLessThan(5_000)
    expect(child.output).not.toContain(token)
  })

  it.each([
    [[]],
    [['--local', '--format', 'xml']],
    [['--local', '--server', 'http://127.0.0.1:1']],
    [['--local', '--heartbeat-ms', 'soon']],
    [['--local', '--subscribe', 'bogus:1']],
    [['--server', 'ftp://example.invalid']],
    [['--server', 'http://127.0.0.1:1', '--token-env', 'NEBULA_UNSET_VARIABLE_FOR_TEST']],
    [['--server', 'http://127.0.0.1:1', '--token', 'secret-token-on-the-command-line']]
  ])('exits 2 for bad flags: %j', async (args) => {
    const child = watch(args, { NEBULA_UNSET_VARIABLE_FOR_TEST: undefined })
    const exit = await child.waitForExit(10_000)
    expect(exit.code, child.stderr).toBe(2)
    expect(child.stderr).toMatch(/^nebula-desktop watch: .+/)
    expect(child.stdout).toBe('')
    expect(child.output).not.toContain('secret-token-on-the-command-line')
  })

  it('exits 3 for a token the server refuses, without printing it', async () => {
    const gateway = await startGateway()
    const forged = await signHmac(freshClaims('intruder'), `${TEST_SECRET}-but-not-quite`)
    const child = watchServer(gateway.url, forged)
    const exit = await child.waitForExit(15_000)
    expect(exit.code, child.stderr).toBe(3)
    expect(child.stderr).toMatch(/authentication failed/)
    const lines = jsonLines(child.stdout)
    expect(
      lines.some((l) => l.kind === 'state' && l.state === 'auth_failed' && l.code === 401)
    ).toBe(true)
    expect(child.output).not.toContain(forged)
    expect(child.output).not.toContain(forged.split('.')[2]!)
  })
})

describe('nebula-desktop watch --format pretty (the default), built CLI', () => {
  it('prints timestamped lines for states, runs and one alert per failure, never JSON or the token', async () => {
    const gateway = await startGateway()
    const token = await gateway.mintToken({ sub: 'pretty-user' })
    // No --format: pretty is what a person gets by default.
    const child = watchServer(gateway.url, token, [])
    await child.waitForOutput(/● open/, 15_000)
    const failed = gateway.engine.startExecution('wf_order_processing', {}, { outcome: 'fail' })!
    await child.waitForOutput(new RegExp(`✖ FAILED Order Processing ${failed.id}`), 10_000)
    // A later execution completing is the barrier: anything about the failure came before it.
    const barrier = gateway.engine.startExecution('wf_nightly_etl', {}, { outcome: 'succeed' })!
    await child.waitForOutput(new RegExp(`${barrier.id} \\S+ → completed`), 10_000)
    child.kill('SIGTERM')
    expect(await child.waitForExit(10_000)).toEqual({ code: 0, signal: null })

    const lines = child.stdout.split('\n').filter((line) => line.length > 0)
    for (const line of lines) {
      // "HH:MM:SS text", no colour codes on a pipe, and nothing machine-shaped.
      expect(line).toMatch(/^\d\d:\d\d:\d\d \S/)
      expect(line).not.toContain('\x1b[')
      expect(line.slice(9).startsWith('{')).toBe(false)
    }
    const about = (id: string) => lines.filter((line) => line.includes(id))
    expect(about(failed.id).filter((line) => line.includes('✖ FAILED'))).toHaveLength(1)
    expect(about(failed.id).some((line) => / → failed/.test(line))).toBe(true)
    expect(lines.filter((line) => line.includes('🔔'))).toHaveLength(1)
    expect(lines.some((line) => /● open/.test(line))).toBe(true)
    expect(lines.at(-1)).toMatch(/■ closed/)
    expect(child.output).not.toContain(token)
  })
})

describe('runWatchCli in-process', () => {
  it('exits 4 with --exit-on-offline once the fast loop gives up (fake clock, real sockets)', async () => {
    // Backoff is not a flag (1 s base, 30 s cap, 10 attempts: minutes of real time), so the
    // retry timers run on a fake clock while each attempt is a real refused connection.
    const port = await freePort()
    const out: string[] = []
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk))
      return true
    })
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      out.push(String(chunk))
      return true
    })
    afterThisTest(() => {
      stdout.mockRestore()
      stderr.mockRestore()
    })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    afterThisTest(() => {
      vi.useRealTimers()
    })
    process.env.NEBULA_TEST_TOKEN_INPROC = 'in-process-token-abcdef123456'
    afterThisTest(() => {
      delete process.env.NEBULA_TEST_TOKEN_INPROC
    })
    let code: number | undefined
    const running = runWatchCli([
      '--server',
      `http://127.0.0.1:${port}`,
      '--token-env',
      'NEBULA_TEST_TOKEN_INPROC',
      '--format',
      'json',
      '--no-state',
      '--exit-on-offline'
    ]).then((c) => (code = c))
    for (let i = 0; i < 200 && code === undefined; i++) {
      // Let the real refused connection arrive, then jump past the longest backoff delay.
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      await vi.advanceTimersByTimeAsync(31_000)
    }
    await running
    expect(code).toBe(4)
    const text = out.join('')
    expect(text).toContain('"state":"offline"')
    expect(text).toMatch(/gave up reconnecting \(--exit-on-offline\)/)
    expect(text).not.toContain('in-process-token-abcdef123456')
  })
})
