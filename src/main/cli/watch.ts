import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { KNOWN_RESOURCES } from '@shared/protocol'
import { startLocalServer } from '@main/core/local-server'
import type { LocalServer } from '@main/core/local-server'
import { describeError } from '@shared/redact'
import { ServerUrlError, resolveServerEndpoints } from '@main/core/server-url'
import { MonitorSession } from '@main/core/session'
import {
  DEFAULT_PROFILE,
  KeychainUnavailableError,
  TokenVault,
  isValidProfileId
} from '@main/core/token-vault'
import { jsonOutput, prettyOutput } from './watch-output'

export const WATCH_EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, offline: 4, keychain: 5 } as const

const HELP = `usage: nebula-desktop watch (--server URL | --local) [options]

Follows a Nebula server and prints connection states, messages and one alert per failed execution.

options:
  --server URL            server base URL (http, https, ws or wss)
  --local                 start the bundled gateway in-process and use a token it mints
  --profile ID            server profile: keychain account and saved state (default "default")
  --token-env VAR         read the token from environment variable VAR instead of the keychain
  --token-stdin           read the token from standard input instead of the keychain
  --subscribe RES:ID      follow only this subscription (repeatable); default: every execution
  --format json|pretty    json: one JSON object per line on stdout; pretty: for a person (default)
  --auth-method M         query (?token=, default) or message (an authenticate frame)
  --heartbeat-ms N        ping interval (default 30000)
  --pong-timeout-ms N     silence after a ping that drops the connection (default 10000)
  --exit-on-offline       exit with code 4 when the fast reconnect loop gives up
  --state-dir DIR         where per-profile state is kept (default ~/.config/nebula-desktop/state)
  --no-state              keep no state between runs

exit codes: 0 stopped by SIGINT/SIGTERM, 1 unexpected error, 2 usage error,
            3 authentication failed, 4 gave up (--exit-on-offline), 5 OS keychain unavailable
`

class UsageError extends Error {}

interface WatchArgs {
  server?: string
  local: boolean
  profile: string
  tokenEnv?: string
  tokenStdin: boolean
  subscriptions: Array<{ resource: string; id: string }>
  format: 'json' | 'pretty'
  authMethod: 'query' | 'message'
  heartbeatMs?: number
  pongTimeoutMs?: number
  exitOnOffline: boolean
  stateDir: string | null
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`--${name} needs a positive whole number of milliseconds, got "${value}"`)
  }
  return n
}

function defaultStateDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'nebula-desktop', 'state')
}

/** Parses `watch` flags; throws UsageError with a one-line message. */
export function parseWatchArgs(argv: string[]): WatchArgs | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: 'string' },
        local: { type: 'boolean', default: false },
        profile: { type: 'string' },
        'token-env': { type: 'string' },
        'token-stdin': { type: 'boolean', default: false },
        subscribe: { type: 'string', multiple: true },
        format: { type: 'string', default: 'pretty' },
        'auth-method': { type: 'string', default: 'query' },
        'heartbeat-ms': { type: 'string' },
        'pong-timeout-ms': { type: 'string' },
        'exit-on-offline': { type: 'boolean', default: false },
        'state-dir': { type: 'string' },
        'no-state': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (error) {
    throw new UsageError(describeError(error))
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (v.local === (v.server !== undefined))
    throw new UsageError('give exactly one of --server URL or --local')
  if (v.server !== undefined) {
    try {
      resolveServerEndpoints(v.server)
    } catch (error) {
      if (error instanceof ServerUrlError) throw new UsageError(`--server: ${error.message}`)
      throw error
    }
  }
  if (v['token-env'] !== undefined && v['token-stdin'])
    throw new UsageError('give at most one of --token-env and --token-stdin')
  if (v.local && (v['token-env'] !== undefined || v['token-stdin'])) {
    throw new UsageError('--local mints its own token; drop --token-env/--token-stdin')
  }
  const profile = v.profile ?? (v.local ? 'local' : DEFAULT_PROFILE)
  if (!isValidProfileId(profile))
    throw new UsageError('--profile: use 1 to 64 characters from A-Z a-z 0-9 . _ -')
  if (v.format !== 'json' && v.format !== 'pretty')
    throw new UsageError(`--format must be json or pretty, got "${v.format}"`)
  if (v['auth-method'] !== 'query' && v['auth-method'] !== 'message') {
    throw new UsageError(`--auth-method must be query or message, got "${v['auth-method']}"`)
  }
  if (v['no-state'] && v['state-dir'] !== undefined)
    throw new UsageError('give at most one of --state-dir and --no-state')
  const subscriptions = (v.subscribe ?? []).map((spec) => {
    const at = spec.indexOf(':')
    const resource = spec.slice(0, at)
    const id = spec.slice(at + 1)
    if (at <= 0 || !id) throw new UsageError(`--subscribe needs RESOURCE:ID, got "${spec}"`)
    if (!KNOWN_RESOURCES.includes(resource)) {
      throw new UsageError(
        `--subscribe: unknown resource "${resource}" (known: ${KNOWN_RESOURCES.join(', ')})`
      )
    }
    return { resource, id }
  })
  return {
    server: v.server,
    local: v.local,
    profile,
    tokenEnv: v['token-env'],
    tokenStdin: v['token-stdin'],
    subscriptions,
    format: v.format,
    authMethod: v['auth-method'],
    heartbeatMs: positiveInt('heartbeat-ms', v['heartbeat-ms']),
    pongTimeoutMs: positiveInt('pong-timeout-ms', v['pong-timeout-ms']),
    exitOnOffline: v['exit-on-offline'],
    // An in-process gateway starts empty every time: a watermark for it would mean nothing.
    stateDir: v['no-state'] || v.local ? null : (v['state-dir'] ?? defaultStateDir())
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').trim()
}

/** Where the token comes from; resolves to null for "none found" and throws usage errors. */
async function resolveToken(
  args: WatchArgs,
  local: LocalServer | undefined
): Promise<string | null> {
  if (local) return local.token
  if (args.tokenEnv !== undefined) {
    const token = process.env[args.tokenEnv]?.trim()
    if (!token) throw new UsageError(`environment variable ${args.tokenEnv} is empty or not set`)
    return token
  }
  if (args.tokenStdin) {
    const token = await readStdin()
    if (!token) throw new UsageError('no token on standard input')
    return token
  }
  return new TokenVault({ fallback: 'none' }).get(args.profile)
}

/** `nebula-desktop watch`: a headless monitor on the same core as the app. */
export async function runWatchCli(argv: string[]): Promise<number> {
  let args: WatchArgs | 'help'
  try {
    args = parseWatchArgs(argv)
  } catch (error) {
    process.stderr.write(`nebula-desktop watch: ${describeError(error)}\n`)
    return WATCH_EXIT.usage
  }
  if (args === 'help') {
    process.stdout.write(HELP)
    return WATCH_EXIT.ok
  }
  const diag = (line: string): void => {
    process.stderr.write(`nebula-desktop watch: ${line}\n`)
  }
  let local: LocalServer | undefined
  let token: string | null
  try {
    if (args.local) {
      local = await startLocalServer({ subject: 'local-watch' })
      diag(`local gateway on ${local.url}`)
    }
    token = await resolveToken(args, local)
  } catch (error) {
    await local?.close()
    if (error instanceof UsageError) {
      diag(error.message)
      return WATCH_EXIT.usage
    }
    if (error instanceof KeychainUnavailableError) {
      diag(error.message)
      return WATCH_EXIT.keychain
    }
    diag(describeError(error))
    return WATCH_EXIT.failure
  }
  if (!token) {
    diag(
      `no token for profile "${args.profile}"; store one with \`nebula-desktop token set --profile ${args.profile}\``
    )
    return WATCH_EXIT.auth
  }
  const session = new MonitorSession({
    server: local?.url ?? args.server!,
    profile: args.profile,
    getToken: () => token,
    stateDir: args.stateDir,
    follow: args.subscriptions.length > 0 ? args.subscriptions : 'all',
    connection: {
      authMethod: args.authMethod,
      ...(args.heartbeatMs ? { heartbeatMs: args.heartbeatMs } : {}),
      ...(args.pongTimeoutMs ? { pongTimeoutMs: args.pongTimeoutMs } : {})
    },
    log: diag
  })
  const write = (line: string): void => {
    process.stdout.write(line)
  }
  const out =
    args.format === 'json' ? jsonOutput(write) : prettyOutput(write, process.stdout.isTTY === true)

  return new Promise<number>((resolve) => {
    let done = false
    const finish = (code: number): void => {
      if (done) return
      done = true
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      session.dispose()
      void (local?.close() ?? Promise.resolve()).finally(() => resolve(code))
    }
    const onSignal = (): void => finish(WATCH_EXIT.ok)
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    // A closed pipe (`watch | head`) ends the watch quietly instead of crashing it.
    process.stdout.on('error', () => finish(WATCH_EXIT.ok))

    session.on('state', (state) => {
      out.state(state)
      if (state.state === 'auth_failed') {
        diag(`authentication failed: ${state.reason ?? 'rejected by the server'}`)
        finish(WATCH_EXIT.auth)
      } else if (state.state === 'offline' && args.exitOnOffline) {
        diag('gave up reconnecting (--exit-on-offline)')
        finish(WATCH_EXIT.offline)
      } else if (state.state === 'closed' && state.code !== undefined && state.code !== 1000) {
        diag(`the server refused the connection: ${state.reason ?? state.code}`)
        finish(WATCH_EXIT.failure)
      }
    })
    session.on('message', (message) => out.message(message))
    session.on('transition', (t) =>
      out.transition(t, session.store.workflowName(t.execution.workflow_id, t.execution))
    )
    session.on('alert', (alert) => out.alert(alert))
    session.on('notification', (notification) => out.notification(notification))
    session.on('invalid', (rejected) => out.invalid(rejected))
    session.on('subscription', (info) => {
      if (info.status === 'failed')
        diag(`subscription ${info.resource}:${info.id} failed: ${info.error?.message ?? ''}`)
    })
    session.start()
  })
}
