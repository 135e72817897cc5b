import { homedir } from 'node:os'
import { join } from 'node:path'
import { KNOWN_RESOURCES } from '@shared/protocol'
import { DEFAULT_PROFILE } from '@main/core/token-vault'
import {
  ExitCode,
  UsageError,
  checkProfileFlag,
  checkServerFlag,
  exitCodeHelp,
  parseFlags,
  parseWholeNumber,
  type OptionTable
} from './common'

// `watch` flags → a checked WatchArgs, or a UsageError whose message never quotes a value the
// user typed (a value in the wrong place is often a pasted token).

/** Largest token `watch --token-stdin` reads, in bytes (the same bound as `token set`). */
export const MAX_WATCH_TOKEN_BYTES = 64 * 1024

export const WATCH_HELP = `usage: nebula-desktop watch (--server URL | --local) [options]

Follows a Nebula server and prints connection states, messages and one alert per failed execution.

options:
  --server URL            server base URL (https or wss; http and ws only to this machine)
  --allow-insecure        allow http/ws to another machine: the token then crosses the network
                          in clear text
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

${exitCodeHelp([
  [ExitCode.Ok, 'stopped by SIGINT/SIGTERM'],
  [ExitCode.Failure, 'unexpected error, or the server refused the connection'],
  [ExitCode.Usage, 'usage error (bad arguments, an insecure URL without --allow-insecure)'],
  [ExitCode.AuthFailed, 'authentication failed, or no token stored for the profile'],
  [ExitCode.GaveUp, 'gave up reconnecting (--exit-on-offline)'],
  [ExitCode.KeychainUnavailable, 'OS keychain unavailable']
])}`

/** What `watch` was asked to do. */
export interface WatchArgs {
  server?: string
  local: boolean
  /** Send the token over http/ws to a host that is not this machine. */
  allowInsecure: boolean
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

const OPTIONS = {
  server: { type: 'string' },
  'allow-insecure': { type: 'boolean' },
  local: { type: 'boolean' },
  profile: { type: 'string' },
  'token-env': { type: 'string' },
  'token-stdin': { type: 'boolean' },
  subscribe: { type: 'string', multiple: true },
  format: { type: 'string' },
  'auth-method': { type: 'string' },
  'heartbeat-ms': { type: 'string' },
  'pong-timeout-ms': { type: 'string' },
  'exit-on-offline': { type: 'boolean' },
  'state-dir': { type: 'string' },
  'no-state': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies OptionTable & Record<string, { multiple?: boolean }>

/** An environment variable name as shells write them; a token never looks like one. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const refusal = `--${name} needs a positive whole number of milliseconds`
  return parseWholeNumber(value, 1, Number.MAX_SAFE_INTEGER, refusal)
}

function defaultStateDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'nebula-desktop', 'state')
}

function parseSubscription(spec: string): { resource: string; id: string } {
  const at = spec.indexOf(':')
  const resource = spec.slice(0, at)
  const id = spec.slice(at + 1)
  if (at <= 0 || !id) throw new UsageError('--subscribe needs RESOURCE:ID')
  if (!KNOWN_RESOURCES.includes(resource)) {
    throw new UsageError(`--subscribe: unknown resource (known: ${KNOWN_RESOURCES.join(', ')})`)
  }
  return { resource, id }
}

/** Parses `watch` flags; throws UsageError with a one-line message. */
export function parseWatchArgs(argv: string[]): WatchArgs | 'help' {
  const v = parseFlags(argv, { options: OPTIONS }).values
  if (v.help) return 'help'
  const local = v.local ?? false
  const tokenStdin = v['token-stdin'] ?? false
  const allowInsecure = v['allow-insecure'] ?? false
  if (local === (v.server !== undefined)) {
    throw new UsageError('give exactly one of --server URL or --local')
  }
  // http/ws to another machine is refused unless allowed.
  if (v.server !== undefined) checkServerFlag(v.server, allowInsecure)
  if (v['token-env'] !== undefined && tokenStdin) {
    throw new UsageError('give at most one of --token-env and --token-stdin')
  }
  if (v['token-env'] !== undefined && !ENV_NAME.test(v['token-env'])) {
    throw new UsageError('--token-env takes the NAME of an environment variable, not a token')
  }
  if (local && (v['token-env'] !== undefined || tokenStdin)) {
    throw new UsageError('--local mints its own token; drop --token-env/--token-stdin')
  }
  const profile = v.profile ?? (local ? 'local' : DEFAULT_PROFILE)
  checkProfileFlag(profile)
  const format = v.format ?? 'pretty'
  if (format !== 'json' && format !== 'pretty') {
    throw new UsageError('--format must be json or pretty')
  }
  const authMethod = v['auth-method'] ?? 'query'
  if (authMethod !== 'query' && authMethod !== 'message') {
    throw new UsageError('--auth-method must be query or message')
  }
  if (v['no-state'] && v['state-dir'] !== undefined) {
    throw new UsageError('give at most one of --state-dir and --no-state')
  }
  return {
    server: v.server,
    local,
    allowInsecure,
    profile,
    tokenEnv: v['token-env'],
    tokenStdin,
    subscriptions: (v.subscribe ?? []).map(parseSubscription),
    format,
    authMethod,
    heartbeatMs: positiveInt('heartbeat-ms', v['heartbeat-ms']),
    pongTimeoutMs: positiveInt('pong-timeout-ms', v['pong-timeout-ms']),
    exitOnOffline: v['exit-on-offline'] ?? false,
    // An in-process gateway starts empty every time: a watermark for it would mean nothing.
    stateDir: v['no-state'] || local ? null : (v['state-dir'] ?? defaultStateDir())
  }
}
