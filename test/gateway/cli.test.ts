import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ExecutionListSchema, HealthSchema, WorkflowListSchema } from '@shared/protocol'
import { api } from '../helpers/http'
import { freshClaims, signHmac } from '../helpers/jwt'
import { killStartedProcesses, spawnProcess } from '../helpers/process'
import type { SpawnedProcess } from '../helpers/process'
import { waitUntil } from '../helpers/wait'
import { closeAllClients, ofType, openClient, upgradeStatus, withToken } from '../helpers/ws-client'

// `node bin/nebula-desktop.js gateway ...` as a real child process: the built CLI, its
// listening line, --print-token, signals, and bad flags.

const ROOT = path.resolve(__dirname, '..', '..')
const BUILT_CLI = path.join(ROOT, 'out', 'main', 'cli.js')
const BIN = path.join(ROOT, 'bin', 'nebula-desktop.js')
const LISTENING = /listening on (http:\/\/([\w.:[\]-]+):(\d+))/
const TOKEN = /eyJ[\w-]+\.[\w-]+\.[\w-]+/

beforeAll(() => {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(
      `${path.relative(ROOT, BUILT_CLI)} is missing: run \`npm run build\` first (\`npm test\` builds before testing)`
    )
  }
})

afterEach(async () => {
  await closeAllClients()
  await killStartedProcesses()
})

/** Starts the gateway CLI with `args` (secret from the environment unless given). */
function gatewayCli(args: string[], env: Record<string, string | undefined> = {}): SpawnedProcess {
  return spawnProcess(process.execPath, [BIN, 'gateway', ...args], {
    cwd: ROOT,
    env: { NEBULA_GATEWAY_SECRET: undefined, ...env }
  })
}

/** Waits for the listening line and returns the base URL. */
async function listening(
  child: SpawnedProcess
): Promise<{ url: string; host: string; port: number }> {
  const match = await child.waitForOutput(LISTENING, 15_000)
  return { url: match[1] as string, host: match[2] as string, port: Number(match[3]) }
}

describe('nebula-desktop gateway', () => {
  it('serves on a free loopback port with --print-token, and SIGTERM exits 0', async () => {
    const child = gatewayCli(['--port', '0', '--no-auto-run', '--print-token'])
    const { url, host, port } = await listening(child)
    expect(host).toBe('127.0.0.1')
    expect(port).toBeGreaterThan(0)
    const token = child.stdout.match(TOKEN)?.[0]
    expect(token, 'a JWT printed on stdout').toBeDefined()

    const client = await openClient(withToken(`ws://${host}:${port}/api/v1/ws`, token as string))
    expect(await client.next(ofType('authenticated'))).toMatchObject({
      user_id: expect.any(String)
    })
    client.send({ type: 'ping', request_id: 'cli' })
    expect(await client.next(ofType('pong'))).toMatchObject({ request_id: 'cli' })

    const health = await api(url, '/api/v1/health')
    expect(HealthSchema.parse(health.body).status).toBe('ok')
    const workflows = WorkflowListSchema.parse(
      (await api(url, '/api/v1/workflows', { token })).body
    )
    expect(workflows.pagination.total).toBeGreaterThanOrEqual(4)
    // --no-auto-run: nothing runs unless a client starts it.
    const executions = ExecutionListSchema.parse(
      (await api(url, '/api/v1/executions', { token })).body
    )
    expect(executions.data).toEqual([])

    child.kill('SIGTERM')
    const exit = await child.waitForExit(10_000)
    expect(exit).toEqual({ code: 0, signal: null })
    expect((await client.waitForClose()).code).toBe(1001)
    // The printed token appears exactly once: nothing else ever logged it.
    expect(child.output.split(token as string).length - 1).toBe(1)
  })

  it('SIGINT also exits 0', async () => {
    const child = gatewayCli(['--port', '0', '--no-auto-run'])
    await listening(child)
    expect(TOKEN.test(child.output)).toBe(false)
    child.kill('SIGINT')
    expect(await child.waitForExit(10_000)).toEqual({ code: 0, signal: null })
  })

  it('uses NEBULA_GATEWAY_SECRET for tokens', async () => {
    const secret = 'cli-test-secret-that-is-long-enough-0123456789'
    const child = gatewayCli(['--port', '0', '--no-auto-run'], { NEBULA_GATEWAY_SECRET: secret })
    const { url } = await listening(child)
    const own = await signHmac(freshClaims('cli-user'), secret)
    expect((await api(url, '/api/v1/workflows', { token: own })).status).toBe(200)
    const foreign = await signHmac(freshClaims('cli-user'), 'a-different-secret-0123456789abcdef')
    expect((await api(url, '/api/v1/workflows', { token: foreign })).status).toBe(401)
    expect(child.output).not.toContain(secret)
  })

  it('--dialect document, --foreign-shapes and --dev-login reach the gateway; login is off without --dev-login', async () => {
    const plain = gatewayCli(['--port', '0', '--no-auto-run'])
    const plainUrl = (await listening(plain)).url
    const refused = await api(plainUrl, '/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'dev', password: 'dev' }
    })
    expect(refused.status).toBe(404)

    const child = gatewayCli([
      '--port',
      '0',
      '--no-auto-run',
      '--dialect',
      'document',
      '--foreign-shapes',
      '--dev-login'
    ])
    const { url, host, port } = await listening(child)
    const login = await api(url, '/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'dev', password: 'dev' }
    })
    expect(login.status).toBe(200)
    const token = (login.body as { access_token: string }).access_token
    const wsUrl = `ws://${host}:${port}/api/v1/ws`
    // The document dialect: no token is a 401, and a token gets no `authenticated`.
    expect(await upgradeStatus(wsUrl)).toBe(401)
    const client = await openClient(withToken(wsUrl, token))
    await client.barrier()
    expect(client.all(ofType('authenticated'))).toEqual([])
    // Foreign shapes: numeric updated_at over REST.
    const started = await api(url, '/api/v1/workflows/wf_order_processing/execute', {
      method: 'POST',
      token,
      body: {}
    })
    const id = (started.body as { execution_id: string }).execution_id
    const execution = await api(url, `/api/v1/executions/${id}`, { token })
    expect(typeof (execution.body as { updated_at: unknown }).updated_at).toBe('number')
  })

  it('runs background executions by default (auto-run)', async () => {
    const child = gatewayCli(['--port', '0', '--print-token', '--seed', '7'])
    const { url } = await listening(child)
    const token = child.stdout.match(TOKEN)?.[0] as string
    const total = async (): Promise<number> =>
      ExecutionListSchema.parse((await api(url, '/api/v1/executions', { token })).body).pagination
        .total
    await waitUntil(async () => (await total()) > 0, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'a background execution'
    })
    expect(await total()).toBeGreaterThan(0)
  })

  it.each([
    ['--port abc', ['--port', 'abc']],
    ['--port 70000', ['--port', '70000']],
    ['--failure-rate 2', ['--failure-rate', '2']],
    ['--failure-rate -0.5', ['--failure-rate=-0.5']],
    ['--seed x', ['--seed', 'x']],
    ['--dialect graphql', ['--dialect', 'graphql']],
    ['--bogus', ['--bogus']]
  ])('rejects %s with a one-line error and exit code 2', async (_name, args) => {
    const child = gatewayCli(args)
    const exit = await child.waitForExit(10_000)
    expect(exit.code).toBe(2)
    const lines = child.stderr.split('\n').filter((l) => l.trim() !== '')
    expect(lines, child.stderr).toHaveLength(1)
    expect(child.output).not.toMatch(LISTENING)
  })
})
