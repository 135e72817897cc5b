import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import type { Gateway, GatewayOptions } from '@gateway'
import { UsageError } from '@main/cli/common'
import { CORE_GATEWAY_DEFAULTS, startTestGateway } from '../fixtures/gateway'
import { killStartedProcesses, spawnProcess } from '../helpers/process'
import type { SpawnOptions, SpawnedProcess } from '../helpers/process'

// Shared by the CLI tests: the built CLI as a child process (`node bin/nebula-desktop.js ...`),
// gateways that are closed after each test, JSON-lines parsing, and the usage errors of the
// argument parsers. Build first: `npm run build` (npm test does).

/** A token-shaped string that must never show up in any output. */
export const PASTED_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXN0ZWQifQ.c2lnbmF0dXJlLW5vdC1zaG93bg'

export const ROOT = resolve(__dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'nebula-desktop.js')
export const BUILT = join(ROOT, 'out', 'main', 'cli.js')

/** Registers the checks and clean-up every built-CLI test file needs. */
export function useBuiltCli(): void {
  beforeAll(() => {
    if (!existsSync(BUILT)) {
      throw new Error(`${BUILT} is missing: build the CLI first with \`npx electron-vite build\``)
    }
    const newestSource = newestMtime(join(ROOT, 'src'))
    if (newestSource > statSync(BUILT).mtimeMs) {
      console.warn(`warning: ${BUILT} is older than src/; these tests run the stale build`)
    }
  })
  afterAll(async () => {
    await killStartedProcesses()
  })
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step()
    cleanup = []
  })
}

/** Steps run (last first) after the current test. */
let cleanup: Array<() => Promise<void> | void> = []

/** Runs `step` after the current test. */
export function afterThisTest(step: () => Promise<void> | void): void {
  cleanup.push(step)
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

export function watch(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: Pick<SpawnOptions, 'input'> = {}
): SpawnedProcess {
  return cli(['watch', ...args], env, options)
}

/** The environment variable `watchServer` passes the token in. */
const TOKEN_ENV = 'NEBULA_TEST_TOKEN'

/**
 * `watch --server URL --token-env NEBULA_TEST_TOKEN ...args --no-state` with `token` in that
 * variable; `args` defaults to `--format json`.
 */
export function watchServer(
  server: string,
  token: string,
  args: string[] = ['--format', 'json']
): SpawnedProcess {
  return watch(['--server', server, '--token-env', TOKEN_ENV, ...args, '--no-state'], {
    [TOKEN_ENV]: token
  })
}

/** `node bin/nebula-desktop.js ...args` */
export function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: Pick<SpawnOptions, 'input'> = {}
): SpawnedProcess {
  return spawnProcess(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { NEBULA_GATEWAY_SECRET: undefined, ...env },
    ...options
  })
}

/** A gateway with the monitor-core preset (no background runs, no failures unless forced). */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const gateway = await startTestGateway({ ...CORE_GATEWAY_DEFAULTS, ...options })
  cleanup.push(() => gateway.close())
  return gateway
}

/** Every stdout line, parsed; fails the test on a line that is not a JSON object with a kind. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      let value: unknown
      expect(() => (value = JSON.parse(line)), `not JSON: ${line}`).not.toThrow()
      expect(value, line).toBeTypeOf('object')
      expect((value as { kind?: unknown }).kind, line).toBeTypeOf('string')
      return value as Record<string, unknown>
    })
}

/** The message of the UsageError `run` throws; fails the test when it throws none or another. */
export function usageErrorOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error('no usage error was thrown')
}
