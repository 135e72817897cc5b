import type { z } from 'zod'
import { ApiErrorBodySchema, ExecutionSchema, LogListSchema } from '@shared/protocol'
import type { Execution, LogEntry } from '@shared/protocol'
import { describeError, redact } from '@shared/redact'
import { RestError } from '@main/core/rest-client'
import { describeNetworkError } from '@main/core/network-error'
import { InsecureServerUrlError, resolveServerEndpoints } from '@main/core/server-url'
import type { ConnectionTest } from '@shared/bridge/contract'

// The few REST calls the dashboard needs beyond the core's RestClient (which reads what the
// monitor needs): cancel an execution, read an execution's logs, and "test connection". Kept
// here so the core's client stays the monitor's. Errors are RestErrors, redacted like the core's.

const TIMEOUT_MS = 10_000
const TEST_TIMEOUT_MS = 5_000

type TokenSource = () => Promise<string | null> | string | null

/** One authenticated JSON request; the body is checked against `schema`. */
async function request<S extends z.ZodType>(
  restBase: string,
  getToken: TokenSource,
  method: 'GET' | 'DELETE',
  path: string,
  schema: S
): Promise<z.infer<S>> {
  const token = await getToken()
  if (!token) throw new RestError('no token for this server', 401, 'UNAUTHORIZED')
  const secrets = [token]
  let response: Response
  try {
    response = await fetch(`${restBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
  } catch (error) {
    throw new RestError(
      `${method} ${path} failed: ${describeNetworkError(error, secrets)}`,
      0,
      'NETWORK_ERROR'
    )
  }
  const body: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const parsed = ApiErrorBodySchema.safeParse(body)
    const code = parsed.success ? parsed.data.error.code : `HTTP_${response.status}`
    const message = parsed.success ? parsed.data.error.message : response.statusText
    throw new RestError(
      redact(`${method} ${path}: ${response.status} ${code}: ${message}`, secrets),
      response.status,
      code
    )
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    throw new RestError(
      `${method} ${path}: unexpected response`,
      response.status,
      'INVALID_RESPONSE'
    )
  }
  return parsed.data
}

/** `DELETE /executions/{id}`: asks the server to cancel; answers the execution. */
export function cancelExecution(
  restBase: string,
  getToken: TokenSource,
  id: string
): Promise<Execution> {
  return request(
    restBase,
    getToken,
    'DELETE',
    `/executions/${encodeURIComponent(id)}`,
    ExecutionSchema
  )
}

/** `GET /executions/{id}/logs`: the server's retained lines (a server may not offer it: 404). */
export async function fetchExecutionLogs(
  restBase: string,
  getToken: TokenSource,
  id: string
): Promise<LogEntry[]> {
  const body = await request(
    restBase,
    getToken,
    'GET',
    `/executions/${encodeURIComponent(id)}/logs`,
    LogListSchema
  )
  return body.data
}

/**
 * "Test connection": one authenticated request to a cheap endpoint the protocol document
 * defines (`GET /workflows?limit=1`), timed. The answer says reachable / signed in or why not;
 * it never contains the token.
 */
export async function testConnection(
  serverUrl: string,
  token: string | null,
  allowInsecure: boolean
): Promise<ConnectionTest> {
  let restBase: string
  try {
    // Without a token nothing secret travels, so plain http to another machine may be tried.
    const allowed = allowInsecure || token === null
    restBase = resolveServerEndpoints(serverUrl, { allowInsecure: allowed }).restBase
  } catch (error) {
    const message =
      error instanceof InsecureServerUrlError
        ? 'plain http would send the token unencrypted to another machine: use https, or allow an insecure connection'
        : describeError(error)
    return { ok: false, message }
  }
  const secrets = token ? [token] : []
  const started = performance.now()
  let response: Response
  try {
    response = await fetch(`${restBase}/workflows?limit=1`, {
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {})
      },
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS)
    })
    await response.arrayBuffer().catch(() => undefined)
  } catch (error) {
    return {
      ok: false,
      message: `could not reach the server: ${describeNetworkError(error, secrets)}`
    }
  }
  const latency_ms = Math.round(performance.now() - started)
  if (response.ok) {
    return { ok: true, message: token ? 'reachable and signed in' : 'reachable', latency_ms }
  }
  if (response.status === 401 || response.status === 403) {
    const message = token
      ? 'reachable, but the server refused the token: sign in again'
      : 'reachable; sign in with a token to use it'
    return { ok: false, message, latency_ms }
  }
  return {
    ok: false,
    message: `reachable, but it answered HTTP ${response.status}: is this a Nebula server?`,
    latency_ms
  }
}
