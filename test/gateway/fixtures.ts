import type { Gateway } from '@gateway'
import { isTerminalStatus } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { api } from '../helpers/http'
import type { ApiRequest, ApiResponse } from '../helpers/http'
import { waitUntil } from '../helpers/wait'
import { ofType, openClient, withToken } from '../helpers/ws-client'
import type { TestClient } from '../helpers/ws-client'

// Helpers for the gateway integration tests; gateways themselves start in test/fixtures/gateway.ts.

/** The engine type, as the gateway exposes it. */
export type Engine = Gateway['engine']

/** The demo workflows and their actions, as the issue names them. */
export const DEMO_WORKFLOWS = {
  wf_order_processing: ['Validate Order', 'Check Inventory', 'Process Payment', 'Ship Order'],
  wf_nightly_etl: ['Extract', 'Transform', 'Load', 'Verify Row Counts'],
  wf_user_onboarding: ['Create Account', 'Send Welcome Email', 'Provision Workspace'],
  wf_partner_sync: ['Fetch Partner Feed', 'Map Records', 'Push Updates']
} as const

/** Opens a `?token=` connection for `sub` and waits for `authenticated`. */
export async function connect(
  gateway: Gateway,
  claims: { sub?: string; roles?: string[]; expiresInSeconds?: number } = {}
): Promise<TestClient> {
  const token = await gateway.mintToken(claims)
  const client = await openClient(withToken(gateway.wsUrl, token))
  await client.next(ofType('authenticated'), 5000, 'authenticated')
  return client
}

/** Subscribes and waits for the matching `subscribed` confirmation. */
export async function subscribe(client: TestClient, resource: string, id: string): Promise<void> {
  const answer = await client.request({ type: 'subscribe', resource, id })
  if (answer.type !== 'subscribed') {
    throw new Error(`subscribe ${resource}:${id} answered ${JSON.stringify(answer)}`)
  }
}

/** Waits until the engine reports `id` in a terminal status and returns that execution. */
export async function waitForTerminal(
  engine: Engine,
  id: string,
  timeoutMs = 10_000
): Promise<Execution> {
  await waitUntil(() => isTerminalStatus(engine.getExecution(id)?.status ?? ''), {
    timeoutMs,
    what: `execution ${id} to finish`
  })
  return engine.getExecution(id) as Execution
}

/** Starts an execution through the engine and returns its id (throws for unknown workflows). */
export function startExecution(
  engine: Engine,
  workflowId: string,
  input?: unknown,
  opts?: { outcome?: 'succeed' | 'fail' | 'time_out' }
): string {
  const execution = engine.startExecution(workflowId, input, opts)
  if (!execution) throw new Error(`engine has no workflow ${workflowId}`)
  return execution.id
}

/** Calls the gateway's REST API under /api/v1. */
export function rest(
  gateway: Gateway,
  path: string,
  request: ApiRequest = {}
): Promise<ApiResponse> {
  return api(gateway.url, `/api/v1${path}`, request)
}

/** The `execution_update` messages a client received for one execution, in order. */
export function updatesFor(client: TestClient, executionId: string): Execution[] {
  return client
    .all(ofType('execution_update', (m) => m.execution.id === executionId))
    .map((m) => m.execution)
}

/** True once the client has an `execution_update` for `id` in the given terminal state. */
export function hasFinalUpdate(client: TestClient, execution: Execution): boolean {
  return client.messages.some(
    (m) =>
      m.type === 'execution_update' &&
      m.execution.id === execution.id &&
      m.execution.status === execution.status &&
      isTerminalStatus(m.execution.status)
  )
}
