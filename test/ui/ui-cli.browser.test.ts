import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { INSTANCE_LOCK_FILE } from '@main/app/instance-lock'
import { TokenVault } from '@main/core/token-vault'
import { RestartableGateway } from '../fixtures/gateway'
import { killStartedProcesses, spawnProcess } from '../helpers/process'
import type { SpawnedProcess } from '../helpers/process'
import { skipAllIf } from '../helpers/skip'
import { waitUntil } from '../helpers/wait'
import {
  filesContaining,
  keyringUnavailableReason,
  uniqueProfile,
  usePrivateKeyring
} from '../keychain/support'
import {
  chromiumSkipReason,
  launchChromium,
  waitForDashboard,
  waitForState
} from '../renderer/dashboard-page'
import { rawRequest } from './support'

// `nebula-desktop ui` as a person runs it: the built CLI as a child process, its one printed
// link opened in Debian's Chromium. Local dev mode: live executions, a failure in the feed and
// its detail with the failed action, a reload that shows everything at once. A server profile:
// signing in through the page never echoes the token; the server restarted under it →
// reconnecting, then live again. And the process side: one line on stdout, the key nowhere
// else, a second `ui` on the same settings refused, Ctrl-C stops cleanly.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'nebula-desktop.js')
const LINK = /^dashboard on (http:\/\/127\.0\.0\.1:(\d+)\/)#key=([A-Za-z0-9_-]{43})\n$/

const builtReason = existsSync(join(ROOT, 'out', 'main', 'cli.js'))
  ? null
  : 'out/main/cli.js is missing: run `npm run build` (npm test does)'
const skipReason = chromiumSkipReason ?? builtReason ?? keyringUnavailableReason

interface RunningUi {
  child: SpawnedProcess
  url: string
  base: string
  port: number
  key: string
  settingsDir: string
}

const dirs: string[] = []

async function startUi(args: string[]): Promise<RunningUi> {
  const settingsDir = mkdtempSync(join(tmpdir(), 'nebula-ui-e2e-'))
  dirs.push(settingsDir)
  const child = spawnProcess(
    process.execPath,
    [BIN, 'ui', '--settings-dir', settingsDir, ...args],
    {
      cwd: ROOT,
      env: { NEBULA_SERVER_URL: undefined, NEBULA_PROFILE: undefined }
    }
  )
  const match = await child.waitForOutput(/dashboard on \S+\n/, 20_000)
  expect(child.stdout).toMatch(LINK)
  const [, base, port, key] = LINK.exec(child.stdout)!
  return {
    child,
    url: match[0].slice('dashboard on '.length).trim(),
    base: base!,
    port: Number(port),
    key: key!,
    settingsDir
  }
}

/** Every data-state the profile's status entry takes, recorded in the page. */
async function recordStates(page: Page, profileId: string): Promise<() => Promise<string[]>> {
  await page.evaluate((id) => {
    const g = globalThis as unknown as {
      document: {
        querySelector(s: string): { getAttribute(n: string): string | null } | null
        body: unknown
      }
      MutationObserver: new (cb: () => void) => {
        observe(t: unknown, o: Record<string, boolean>): void
      }
      __states: string[]
    }
    g.__states = []
    const note = (): void => {
      const state = g.document
        .querySelector(`[data-testid="profile-status"][data-profile="${id}"]`)
        ?.getAttribute('data-state')
      if (state && g.__states.at(-1) !== state) g.__states.push(state)
    }
    new g.MutationObserver(note).observe(g.document.body, {
      subtree: true,
      attributes: true,
      childList: true
    })
    note()
  }, profileId)
  return () => page.evaluate(() => (globalThis as unknown as { __states: string[] }).__states)
}

describe('nebula-desktop ui end to end', () => {
  skipAllIf(skipReason, 'ui end-to-end specs')
  // Children inherit this file's private keyring: sign-in never reaches a real keychain.
  usePrivateKeyring()
  let browser: Browser

  beforeAll(async () => {
    if (skipReason) return
    browser = await launchChromium()
  }, 60_000)
  afterEach(async () => {
    await killStartedProcesses()
  })
  afterAll(async () => {
    await browser?.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('local dev mode: live executions, a failure with its failed action, a reload at once; one line, Ctrl-C', async () => {
    const ui = await startUi(['--local', '--failure-rate', '0.5', '--seed', '11'])
    // The CLI serves the same guarded server: no session, foreign Host.
    expect((await rawRequest(ui.port, { path: '/session' })).status).toBe(401)
    expect(
      (await rawRequest(ui.port, { headers: { host: `evil.example:${ui.port}` } })).status
    ).toBe(421)

    const context = await browser.newContext()
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(ui.url)
    await waitForDashboard(page)
    await waitForState(page, 'local', 'open')
    // The key left the address bar once exchanged.
    expect(page.url()).toBe(ui.base)

    // Live executions: rows appear in the table without a reload.
    await page.evaluate(
      () =>
        ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/executions')
    )
    const rows = page.getByTestId('execution-row')
    await waitUntil(async () => (await rows.count()) >= 2, {
      timeoutMs: 30_000,
      what: 'live execution rows'
    })

    // A failure arrives in the feed; its detail shows the failed action and its error.
    await page.evaluate(
      () => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/')
    )
    const feed = page.getByTestId('failure-item')
    await feed.first().waitFor({ timeout: 60_000 })
    await feed.first().getByRole('link').click()
    const detail = page.getByTestId('execution-detail')
    await detail.waitFor()
    const id = (await page.getByTestId('detail-id').textContent())!
    const execution = await page.evaluate(
      (executionId) =>
        (
          globalThis as unknown as {
            nebula: {
              getExecution(r: unknown): Promise<{
                ok: boolean
                value: { status: string; error?: { message: string; action_name?: string } }
              }>
            }
          }
        ).nebula.getExecution({
          profile_id: 'local',
          execution_id: executionId
        }),
      id
    )
    expect(execution.ok).toBe(true)
    expect(['failed', 'timed_out']).toContain(execution.value.status)
    expect(await detail.getAttribute('data-status')).toBe(execution.value.status)
    expect(await page.getByTestId('detail-error').textContent()).toContain(
      execution.value.error!.message
    )
    const failedAction = page.locator(
      `[data-testid="action-item"][data-status="${execution.value.status}"]`
    )
    await failedAction.first().waitFor()
    expect(await failedAction.first().textContent()).toContain(execution.value.error!.action_name!)

    // A reload shows the state at once: the same detail, the same failures, no waiting for events.
    await page.reload()
    await waitForDashboard(page)
    expect(await page.getByTestId('detail-id').textContent()).toBe(id)
    await page.evaluate(
      () => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/')
    )
    await page.getByTestId('failure-feed').waitFor()
    const count = await feed.count()
    expect(count).toBeGreaterThanOrEqual(1)
    await page.reload()
    await waitForDashboard(page)
    expect(await feed.count()).toBeGreaterThanOrEqual(count)
    expect(problems).toEqual([])

    // A second `ui` on the same settings is refused, naming the first (without its key).
    const second = spawnProcess(
      process.execPath,
      [BIN, 'ui', '--local', '--settings-dir', ui.settingsDir],
      { cwd: ROOT }
    )
    const refused = await second.waitForExit(20_000)
    expect(refused.code, second.stderr).toBe(6)
    expect(second.stderr).toContain(`pid ${ui.child.child.pid}`)
    expect(second.stderr).toContain(ui.base)
    expect(second.stderr).toContain('or use --settings-dir for a separate one')
    expect(second.output).not.toContain(ui.key)

    // One line on stdout; the key nowhere else; Ctrl-C stops cleanly and releases the lock.
    await context.close()
    ui.child.kill('SIGINT')
    const exit = await ui.child.waitForExit(15_000)
    expect(exit.code).toBe(0)
    expect(ui.child.stdout.split('\n').filter(Boolean)).toHaveLength(1)
    expect(ui.child.stderr).not.toContain(ui.key)
    expect(ui.child.stderr).toContain('stopped (SIGINT)')
    expect(existsSync(join(ui.settingsDir, INSTANCE_LOCK_FILE))).toBe(false)
  }, 150_000)

  it('a server profile: sign-in never echoes the token; the server restarted under it → reconnecting, then live', async () => {
    const gateway = await RestartableGateway.start({
      autoRun: false,
      actionDelayMs: [5, 20],
      seed: 99,
      failureRate: 0
    })
    const profile = uniqueProfile('ui-e2e')
    try {
      const ui = await startUi(['--server', gateway.gateway.url, '--profile', profile])
      const context = await browser.newContext()
      const page = await context.newPage()
      const received: string[] = []
      page.on('websocket', (socket) =>
        socket.on('framereceived', (frame) => received.push(String(frame.payload)))
      )
      await page.goto(ui.url)
      await waitForDashboard(page)
      await waitForState(page, profile, 'auth_failed')

      // Sign in through the masked field.
      await page.getByTestId('sign-in-again').click()
      const form = page.getByTestId('sign-in-form')
      await form.waitFor()
      const token = await gateway.gateway.mintToken({ sub: 'e2e-person', expiresInSeconds: 3600 })
      const input = form.getByTestId('token-input')
      expect(await input.getAttribute('type')).toBe('password')
      await input.fill(token)
      await form.getByTestId('sign-in-submit').click()
      await waitForState(page, profile, 'open')
      // The field is cleared (or gone), and only facts about the token are shown.
      await waitUntil(
        async () => (await input.count()) === 0 || (await input.inputValue()) === '',
        {
          what: 'the field to be cleared'
        }
      )
      await page.getByText('e2e-person').first().waitFor()
      // Never echoed: not in the page, not in anything main sent, not in the process output.
      expect(await page.content()).not.toContain(token)
      expect(received.length).toBeGreaterThan(0)
      expect(received.join('\n')).not.toContain(token)
      expect(ui.child.output).not.toContain(token)
      expect(filesContaining(ui.settingsDir, token)).toEqual([])

      // The server goes away: the dashboard says reconnecting; it comes back: live again.
      const states = await recordStates(page, profile)
      await gateway.stop()
      await waitUntil(async () => (await states()).includes('reconnecting'), {
        timeoutMs: 20_000,
        what: 'reconnecting'
      })
      await gateway.resume()
      await waitForState(page, profile, 'open')
      expect((await states()).at(-1)).toBe('open')
      // Live: a failure after the restart reaches the feed.
      const run = gateway.engine.startExecution('wf_nightly_etl', {}, { outcome: 'fail' })!
      await page.evaluate(
        () => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/')
      )
      await page.getByTestId('failure-item').first().waitFor({ timeout: 20_000 })
      expect(await page.getByTestId('failure-item').first().textContent()).toContain(
        gateway.engine.getExecution(run.id)!.error!.message
      )
      await context.close()
    } finally {
      await new TokenVault({ fallback: 'memory', onWarning: () => {} })
        .delete(profile)
        .catch(() => false)
      await gateway.dispose()
    }
  }, 150_000)
})
