import { mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { skipAllIf } from '../helpers/skip'
import { runToCompletion } from '../helpers/process'
import { keyringUnavailableReason, listFiles, repoRoot, tempDir } from './support'

// The keychain tests must never reach a developer's own keychain, whatever command runs them.
// This runs them (`npx vitest run test/keychain/…`, as a developer would) in an environment that
// looks like a desktop session: DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR/bus lead to
// listening sockets that record every connection, DISPLAY is set, and HOME/XDG_DATA_HOME are a
// "developer home". The tests must pass without a single connection to either socket and without
// writing anything under that home.

/** A Unix socket that counts connections and hangs up on each (nothing may connect at all). */
async function recordingSocket(path: string): Promise<{ server: Server; connections: number }> {
  const recorder = { server: createServer(), connections: 0 }
  recorder.server.on('connection', (socket) => {
    recorder.connections += 1
    socket.destroy()
  })
  await new Promise<void>((resolve) => recorder.server.listen(path, resolve))
  return recorder
}

interface VitestReport {
  numTotalTests: number
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numFailedTestSuites: number
}

describe('keychain tests with a desktop session around them', () => {
  skipAllIf(keyringUnavailableReason, 'keychain isolation test')
  const dir = tempDir('nebula-keychain-isolation-')
  afterAll(() => dir.cleanup())

  it('use their private keyring only: no connection to the ambient bus, nothing in HOME', async () => {
    const developerHome = join(dir.path, 'home')
    const runtime = join(dir.path, 'runtime')
    mkdirSync(developerHome)
    mkdirSync(runtime, { mode: 0o700 })
    const ambient = await recordingSocket(join(dir.path, 'ambient-bus'))
    const runtimeBus = await recordingSocket(join(runtime, 'bus'))
    const reportPath = join(dir.path, 'report.json')
    try {
      const env: Record<string, string | undefined> = {
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir.path, 'ambient-bus')}`,
        XDG_RUNTIME_DIR: runtime,
        DISPLAY: ':0',
        HOME: developerHome,
        XDG_DATA_HOME: join(developerHome, '.local', 'share'),
        XDG_CONFIG_HOME: join(developerHome, '.config'),
        // The child is a fresh vitest run, not a worker of this one.
        VITEST: undefined,
        VITEST_WORKER_ID: undefined,
        VITEST_POOL_ID: undefined
      }
      const result = await runToCompletion(
        process.execPath,
        [
          join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          '--root',
          repoRoot,
          // Every keychain test file but this one (vitest filters by path substring).
          'test/keychain/token-',
          '--reporter=json',
          `--outputFile=${reportPath}`
        ],
        { env, timeoutMs: 120_000 }
      )
      expect(ambient.connections, 'connections to the ambient DBUS_SESSION_BUS_ADDRESS').toBe(0)
      expect(runtimeBus.connections, 'connections to $XDG_RUNTIME_DIR/bus').toBe(0)
      expect(listFiles(developerHome)).toEqual([])
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport
      expect(
        { failedTests: report.numFailedTests, failedSuites: report.numFailedTestSuites },
        result.stderr.slice(-2000)
      ).toEqual({ failedTests: 0, failedSuites: 0 })
      expect(result.code).toBe(0)
      // They really ran against a keyring (nothing skipped), just not this one.
      expect(report.numPendingTests).toBe(0)
      expect(report.numPassedTests).toBe(report.numTotalTests)
      expect(report.numTotalTests).toBeGreaterThan(0)
    } finally {
      ambient.server.close()
      runtimeBus.server.close()
    }
  })
})
