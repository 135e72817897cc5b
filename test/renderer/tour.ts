import { readFileSync } from 'node:fs'
import type { Gateway } from '@gateway'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain, startDashboardServer } from '../fixtures/app'
import type { DashboardServer } from '../fixtures/app'
import { CORE_GATEWAY_DEFAULTS, startTestGateway } from '../fixtures/gateway'
import type { DashboardPage } from './dashboard-page'

// A dashboard with something on every view, for the accessibility scan, the keyboard walk and
// the screenshots: local dev mode plus a second server profile ("Production"), each with
// finished, failed and running executions.

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

export interface Populated {
  dash: DashboardServer
  production: Gateway
  /** Failed executions of the local gateway (for the detail view: one per page that opens it). */
  failedIds: string[]
  dispose(): Promise<void>
}

/** Starts both servers and runs executions until every view has content. */
export async function startPopulated(): Promise<Populated> {
  const production = await startTestGateway({
    ...CORE_GATEWAY_DEFAULTS,
    actionDelayMs: [300, 600],
    seed: 97
  })
  const vault = new TokenVault({ backend: memoryKeychain() })
  await vault.set('prod', await production.mintToken({ sub: 'oncall@example.com' }))
  const dash = await startDashboardServer({
    localDevMode: true,
    profiles: [{ id: 'prod', name: 'Production', server_url: production.url }],
    vault,
    gateway: { actionDelayMs: [300, 600] },
    // The real version in the status bar (these pages become the README's screenshots).
    service: {
      info: {
        name: 'Nebula Desktop',
        version: PACKAGE_VERSION,
        platform: 'linux',
        transport: 'browser'
      }
    }
  })
  const local = (await waitForLocal(dash)).engine
  const remote = production.engine
  const finished = [
    local.startExecution(
      'wf_order_processing',
      { order_id: 'ord_1042', priority: 'standard' },
      { outcome: 'succeed' }
    )!,
    local.startExecution('wf_nightly_etl', { date: '2026-11-28' }, { outcome: 'fail' })!,
    local.startExecution(
      'wf_user_onboarding',
      { email: 'sam@example.com' },
      { outcome: 'succeed' }
    )!,
    remote.startExecution('wf_order_processing', { order_id: 'ord_88' }, { outcome: 'fail' })!,
    remote.startExecution('wf_partner_sync', {}, { outcome: 'succeed' })!,
    local.startExecution('wf_order_processing', { order_id: 'ord_1043' }, { outcome: 'time_out' })!,
    local.startExecution('wf_nightly_etl', { date: '2026-11-27' }, { outcome: 'fail' })!
  ]
  await until(() =>
    finished.every((e) => isDone(local.getExecution(e.id) ?? remote.getExecution(e.id)))
  )
  // Two long ones stay running while the views are looked at.
  const steps = Array.from({ length: 60 }, (_, i) => `Reconcile ledger page ${i + 1}`)
  const ledger = local.createWorkflow({ name: 'Ledger Reconciliation', actions: steps })
  const backfill = remote.createWorkflow({ name: 'Search Index Backfill', actions: steps })
  local.startExecution(ledger.id, { month: '2026-11' }, { outcome: 'succeed' })
  remote.startExecution(backfill.id, { shard: 7 }, { outcome: 'succeed' })
  return {
    dash,
    production,
    failedIds: [finished[1].id, finished[6].id],
    async dispose() {
      await dash.dispose()
      await production.close()
    }
  }
}

const isDone = (e: { status: string } | undefined): boolean =>
  e !== undefined && ['completed', 'failed', 'timed_out', 'cancelled'].includes(e.status)

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('the executions did not finish in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function waitForLocal(dash: DashboardServer) {
  await until(() => {
    try {
      dash.app.localGateway()
      return true
    } catch {
      return false
    }
  })
  return dash.app.localGateway()
}

/** The main views, each opened and settled: name → how to get there. */
export function mainViews(
  failedId: string
): Array<{ name: string; open: (ui: DashboardPage) => Promise<void> }> {
  // name, fragment, and the test ids that show the view has its content.
  const views: Array<[name: string, fragment: string, ...settled: string[]]> = [
    ['overview', '#/overview', 'failure-item'],
    ['executions', '#/executions', 'execution-row'],
    ['execution-detail', `#/executions/local/${failedId}`, 'detail-error', 'log-row'],
    ['workflows', '#/workflows', 'workflow-row'],
    ['run-dialog', '#/workflows?profile=local&run=wf_order_processing', 'run-input'],
    ['settings', '#/settings', 'workflow-notify']
  ]
  return views.map(([name, fragment, ...settled]) => ({
    name,
    open: async (ui) => {
      await ui.open(fragment)
      for (const testId of settled) await ui.page.getByTestId(testId).first().waitFor()
    }
  }))
}
