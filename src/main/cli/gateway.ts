import { DIALECT_NAMES, isDialectName, startBundledGateway } from '@main/core/local-server'
import type { DialectName, Gateway } from '@main/core/local-server'
import { isLoopbackHost } from '@shared/loopback'
import { describeError } from '@shared/redact'
import {
  ExitCode,
  UsageError,
  exitCodeHelp,
  oneLine,
  parseFraction,
  parseFlags,
  parseWholeNumber,
  type OptionTable
} from './common'

const PREFIX = 'nebula-desktop gateway'
/** Lifetime of the token printed by --print-token: a working day of local development. */
const PRINTED_TOKEN_LIFETIME_S = 12 * 3600

const USAGE = `usage: nebula-desktop gateway [options]

Runs the bundled local Nebula gateway: REST under /api/v1 and WebSocket at /api/v1/ws,
backed by a simulated engine with demo workflows.

options:
  --host HOST          interface to bind (default 127.0.0.1; anything else is reachable
                       from other machines)
  --port N             port (default 8000; 0 picks a free one)
  --seed N             seed for a deterministic simulation (0..4294967295)
  --failure-rate R     probability 0..1 that an execution fails (default 0.2)
  --auto-run           start background executions (default)
  --no-auto-run        only run what clients start
  --dialect D          extended (default: the protocol document plus our extensions) or
                       document (only what the document shows: ?token= auth, no
                       authenticated reply, no request_id echo, no workflow_executions:all)
  --foreign-shapes     shape the fields the document does not define unlike ours (string
                       errors, fractional percentages, numeric updated_at, ...), WS and REST
  --dev-login          enable POST /api/v1/auth/login {"username":"dev","password":"dev"}
                       (off by default: a fixed password guards nothing)
  --print-token        print a dev token (12 h) as "token: <jwt>"
  -h, --help           show this help

environment:
  NEBULA_GATEWAY_SECRET  HS256 secret for tokens (default: random per run)

${exitCodeHelp([
  [ExitCode.Ok, 'stopped by SIGINT/SIGTERM'],
  [
    ExitCode.Failure,
    'cannot listen (address in use, not available, not permitted), or closing failed'
  ],
  [ExitCode.Usage, 'usage error']
])}`

/** Where the CLI writes, and an optional extra stop trigger (for in-process tests). */
export interface GatewayCliIo {
  stdout?: { write(text: string): unknown }
  stderr?: { write(text: string): unknown }
  /** Aborting it stops the gateway like SIGINT does. */
  stop?: AbortSignal
}

interface CliConfig {
  host: string
  port: number
  seed: number | undefined
  failureRate: number | undefined
  autoRun: boolean
  dialect: DialectName
  foreignShapes: boolean
  devLogin: boolean
  printToken: boolean
}

const parseIntIn = (flag: string, value: string, min: number, max: number): number =>
  parseWholeNumber(value, min, max, `invalid ${flag}: expected an integer ${min}..${max}`)

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  seed: { type: 'string' },
  'failure-rate': { type: 'string' },
  'auto-run': { type: 'boolean' },
  dialect: { type: 'string' },
  'foreign-shapes': { type: 'boolean' },
  'dev-login': { type: 'boolean' },
  'print-token': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies OptionTable

function parseConfig(argv: string[]): CliConfig | 'help' {
  const v = parseFlags(argv, { allowNegative: true, options: OPTIONS }).values
  if (v.help) return 'help'
  const host = v.host ?? '127.0.0.1'
  if (host.trim() === '') throw new UsageError('invalid --host: empty')
  const failureRate =
    v['failure-rate'] === undefined
      ? undefined
      : parseFraction(v['failure-rate'], 'invalid --failure-rate: expected a number 0..1')
  const dialect = v.dialect ?? 'extended'
  if (!isDialectName(dialect)) {
    throw new UsageError(`invalid --dialect: expected ${DIALECT_NAMES.join(' or ')}`)
  }
  return {
    host,
    dialect,
    foreignShapes: v['foreign-shapes'] ?? false,
    devLogin: v['dev-login'] ?? false,
    port: v.port === undefined ? 8000 : parseIntIn('--port', v.port, 0, 65535),
    seed: v.seed === undefined ? undefined : parseIntIn('--seed', v.seed, 0, 2 ** 32 - 1),
    failureRate,
    autoRun: v['auto-run'] ?? true,
    printToken: v['print-token'] ?? false
  }
}

/** Warnings about a configuration that works but exposes more than it may seem to. */
function warnings(config: CliConfig): string[] {
  const out: string[] = []
  if (!isLoopbackHost(config.host)) {
    const login = config.devLogin ? '; anyone who reaches it can log in as the dev user' : ''
    out.push(`binding to ${config.host} makes the gateway reachable from other machines${login}`)
  }
  const envSecret = process.env.NEBULA_GATEWAY_SECRET
  if (envSecret !== undefined && envSecret !== '' && Buffer.byteLength(envSecret) < 32) {
    out.push('NEBULA_GATEWAY_SECRET is shorter than 32 bytes')
  }
  return out
}

/** Why listening failed, in words. */
function listenFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE') return 'address already in use'
  if (code === 'EADDRNOTAVAIL') return 'address not available on this machine'
  if (code === 'EACCES') return 'permission denied'
  return describeError(error)
}

/** Resolves with what stopped the gateway (a signal, or the abort of `io.stop`). */
function untilStopped(io: GatewayCliIo): { stopped: Promise<string>; cleanup: () => void } {
  let cleanup = (): void => {}
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => resolve(signal)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    io.stop?.addEventListener('abort', () => resolve('abort'), { once: true })
    if (io.stop?.aborted) resolve('abort')
    cleanup = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  })
  return { stopped, cleanup }
}

/** `nebula-desktop gateway [options]`: runs until SIGINT/SIGTERM; resolves to the exit code. */
export async function runGatewayCli(argv: string[], io: GatewayCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  let config: CliConfig | 'help'
  try {
    config = parseConfig(argv)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    stderr.write(`${PREFIX}: ${oneLine(message)} (see --help)\n`)
    return 2
  }
  if (config === 'help') {
    stdout.write(USAGE)
    return 0
  }
  for (const warning of warnings(config)) stderr.write(`${PREFIX}: warning: ${warning}\n`)

  let gateway: Gateway
  try {
    gateway = await startBundledGateway({
      host: config.host,
      port: config.port,
      seed: config.seed,
      failureRate: config.failureRate,
      autoRun: config.autoRun,
      dialect: config.dialect,
      foreignShapes: config.foreignShapes,
      devLogin: config.devLogin,
      log: (line) => stderr.write(`${PREFIX}: ${line}\n`)
    })
  } catch (error) {
    const reason = oneLine(listenFailure(error))
    stderr.write(`${PREFIX}: cannot listen on ${config.host}:${config.port}: ${reason}\n`)
    return 1
  }

  const { stopped, cleanup } = untilStopped(io)
  // One write, so a reader that waits for the listening line already has the token.
  const token = config.printToken
    ? `token: ${await gateway.mintToken({ expiresInSeconds: PRINTED_TOKEN_LIFETIME_S })}\n`
    : ''
  stdout.write(`${token}nebula gateway listening on ${gateway.url}\n`)

  const reason = await stopped
  cleanup()
  try {
    await gateway.close()
  } catch (error) {
    stderr.write(`${PREFIX}: error while closing: ${describeError(error)}\n`)
    return 1
  }
  stderr.write(`${PREFIX}: stopped (${reason})\n`)
  return 0
}
