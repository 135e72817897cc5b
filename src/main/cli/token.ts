import { describeError } from '@shared/redact'
import { inspectJwt } from '@main/core/jwt-inspect'
import { KeychainUnavailableError } from '@main/core/keychain-errors'
import {
  DEFAULT_PROFILE,
  InvalidProfileError,
  InvalidTokenError,
  KEYCHAIN_SERVICE,
  TokenVault,
  assertProfileId,
  assertStorableToken,
  type TokenStatus
} from '@main/core/token-vault'
import {
  ExitCode,
  UsageError,
  exitCodeHelp,
  parseFlags,
  readBoundedInput,
  type OptionTable
} from './common'

// `nebula-desktop token set|status|delete`: the token goes into the OS keychain from stdin only
// (never from an argument, which would land in shell history and process listings), and no
// output or error of this command ever contains it.

/** Largest stdin accepted by `token set`, in bytes. */
export const MAX_TOKEN_INPUT_BYTES = 64 * 1024

const USAGE = `usage: nebula-desktop token <set|status|delete> [--profile ID] [--json]

  set      read one token from stdin and store it in the OS keychain
           (e.g. printf %s "$TOKEN" | nebula-desktop token set --profile work;
           on a terminal it prompts and hides what you type)
  status   show whether a token is stored, its subject and expiry; never prints the token
  delete   remove the stored token

options:
  -p, --profile ID   server profile (default "${DEFAULT_PROFILE}"): 1-64 of A-Z a-z 0-9 . _ -
      --json         status: print one JSON object instead of text
  -h, --help         show this help

The token is kept under the keychain service "${KEYCHAIN_SERVICE}", account = profile id.
Opaque (non-JWT) tokens are accepted with a warning; their expiry is unknown.

${exitCodeHelp([
  [ExitCode.Ok, 'done (status: a token is stored)'],
  [ExitCode.Failure, 'status: no token stored; delete: there was nothing to delete'],
  [ExitCode.Usage, 'usage error (bad arguments; empty, multi-line or malformed token on stdin)'],
  [ExitCode.KeychainUnavailable, 'OS keychain unavailable (the message names the fix)']
])}`

/** Streams the command uses; tests pass their own. */
export interface TokenCliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown }
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  /** The vault to use (default: the OS keychain, failing with exit 5 where none answers). */
  vault: TokenVault
  /** Clock for expiry wording (default Date.now). */
  now: () => number
}

/** Runs `nebula-desktop token ...` and resolves to the exit code. */
export async function runTokenCli(argv: string[], io: Partial<TokenCliIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  const fail = (code: number, message: string): number => {
    stderr.write(`nebula-desktop token: ${message}\n`)
    return code
  }
  let command: string
  let profile: string
  let json: boolean
  try {
    const parsed = parseTokenArgs(argv)
    if (parsed.help) {
      stdout.write(USAGE)
      return ExitCode.Ok
    }
    ;({ command, profile, json } = parsed)
  } catch (error) {
    if (error instanceof UsageError) return fail(ExitCode.Usage, `${error.message} (see --help)`)
    throw error
  }

  const vault = io.vault ?? new TokenVault({ fallback: 'none' })
  const now = io.now ?? Date.now
  /** What was read from stdin, to cut out of an unexpected error's message. */
  const secrets: string[] = []
  try {
    switch (command) {
      case 'set':
        return await setToken(
          profile,
          vault,
          { stdin: io.stdin ?? process.stdin, stdout, stderr, now },
          secrets
        )
      case 'status': {
        const status = await vault.status(profile)
        stdout.write(
          json
            ? `${JSON.stringify({ profile, ...status })}\n`
            : formatStatus(profile, status, now())
        )
        return status.present ? ExitCode.Ok : ExitCode.Failure
      }
      case 'delete': {
        if (await vault.delete(profile)) {
          stdout.write(`Deleted the token for profile "${profile}".\n`)
          return ExitCode.Ok
        }
        return fail(ExitCode.Failure, `no token stored for profile "${profile}"; nothing to delete`)
      }
      default:
        return fail(ExitCode.Usage, 'unreachable subcommand')
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidTokenError) {
      return fail(ExitCode.Usage, error.message)
    }
    if (error instanceof KeychainUnavailableError) {
      return fail(ExitCode.KeychainUnavailable, error.message)
    }
    // Unexpected: say what kind of error it was, with the token cut out should it appear.
    const kind = error instanceof Error ? `${error.name}: ` : ''
    return fail(ExitCode.Failure, `${kind}${describeError(error, secrets)}`)
  }
}

/** `token set`: reads one token, warns about its shape or expiry, and stores it. */
async function setToken(
  profile: string,
  vault: TokenVault,
  io: Pick<TokenCliIo, 'stdin' | 'stdout' | 'stderr' | 'now'>,
  secrets: string[]
): Promise<number> {
  const token = await readToken(io.stdin, io.stderr)
  secrets.push(token)
  const inspection = inspectJwt(token)
  if (!inspection.ok) {
    io.stderr.write(
      `warning: ${inspection.error}; storing it as an opaque token whose expiry is unknown\n`
    )
  } else if (inspection.claims.exp && inspection.claims.exp.getTime() <= io.now()) {
    io.stderr.write(`warning: the token already expired (${inspection.claims.exp.toISOString()})\n`)
  }
  const { persistent } = await vault.set(profile, token)
  io.stdout.write(
    persistent
      ? `Stored the token for profile "${profile}" in the OS keychain.\n`
      : `Kept the token for profile "${profile}" in memory only (no OS keychain).\n`
  )
  if (inspection.ok && inspection.claims.exp) {
    io.stdout.write(`It expires ${describeExpiry(inspection.claims.exp.getTime(), io.now())}.\n`)
  }
  return ExitCode.Ok
}

const TOKEN_OPTIONS = {
  profile: { type: 'string', short: 'p' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies OptionTable

/** Parses argv into a subcommand and options; throws UsageError with a one-line reason. */
function parseTokenArgs(argv: string[]): {
  help: boolean
  command: string
  profile: string
  json: boolean
} {
  const { values, positionals } = parseFlags(argv, {
    options: TOKEN_OPTIONS,
    allowPositionals: true
  })
  if (values.help) return { help: true, command: '', profile: DEFAULT_PROFILE, json: false }
  const [command, ...extra] = positionals
  if (command === undefined) throw new UsageError('missing subcommand: set, status or delete')
  if (!['set', 'status', 'delete'].includes(command)) {
    throw new UsageError('unknown subcommand; expected set, status or delete')
  }
  if (extra.length > 0) {
    // Never echo it: a stray argument is quite possibly a pasted token.
    throw new UsageError(
      'unexpected extra argument; the token is read from stdin, not from arguments'
    )
  }
  if (values.json && command !== 'status') throw new UsageError('--json applies to status only')
  const profile = values.profile ?? DEFAULT_PROFILE
  try {
    assertProfileId(profile)
  } catch (error) {
    if (error instanceof InvalidProfileError) throw new UsageError(error.message)
    throw error
  }
  return { help: false, command, profile, json: values.json ?? false }
}

/** Reads one token from stdin: hidden prompt on a terminal, else the whole piped input. */
async function readToken(
  stdin: TokenCliIo['stdin'],
  stderr: TokenCliIo['stderr']
): Promise<string> {
  const raw =
    stdin.isTTY && typeof stdin.setRawMode === 'function'
      ? await readHiddenLine(stdin, stderr)
      : await readAll(stdin)
  const token = raw.trim()
  if (token === '')
    throw new UsageError('no token on stdin (pipe one in, or type it at the prompt)')
  if (/[\r\n]/.test(token))
    throw new UsageError('stdin holds more than one line; give exactly one token')
  assertStorableToken(token)
  return token
}

/** All of a piped stdin, bounded by MAX_TOKEN_INPUT_BYTES. */
async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  try {
    return await readBoundedInput(stdin, MAX_TOKEN_INPUT_BYTES, 'stdin')
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message}; that is not a token`)
    throw error
  }
}

/** One line from a terminal with echo off (raw mode), so the token is never shown. */
function readHiddenLine(stdin: TokenCliIo['stdin'], stderr: TokenCliIo['stderr']): Promise<string> {
  // Echo off before the prompt appears, so nothing typed after it can be echoed.
  stdin.setRawMode?.(true)
  stderr.write('Token (input hidden; press Enter when done): ')
  return new Promise((resolve, reject) => {
    let line = ''
    const finish = (outcome: () => void): void => {
      stdin.removeListener('data', onData)
      stdin.setRawMode?.(false)
      stdin.pause()
      stderr.write('\n')
      outcome()
    }
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(() => resolve(line))
        if (char === '\u0003') return finish(() => reject(new UsageError('cancelled')))
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1)
        else line += char
        if (line.length > MAX_TOKEN_INPUT_BYTES) {
          return finish(() => reject(new UsageError('input is too long to be a token')))
        }
      }
    }
    stdin.on('data', onData)
    stdin.resume()
  })
}

/** The human-readable `status` report. */
function formatStatus(profile: string, status: TokenStatus, now: number): string {
  if (!status.present) return `profile: ${profile}\ntoken:   none stored\n`
  const lines = [
    `profile: ${profile}`,
    `token:   present (${status.format === 'jwt' ? 'JWT' : 'opaque, expiry unknown'})`
  ]
  if (status.subject !== undefined) lines.push(`subject: ${status.subject}`)
  if (status.expiresAt !== undefined) {
    const flag = status.expired ? ' [EXPIRED]' : status.expiringSoon ? ' [expiring soon]' : ''
    lines.push(
      `expires: ${status.expiresAt}, ${describeExpiry(Date.parse(status.expiresAt), now)}${flag}`
    )
  } else if (status.format === 'jwt') {
    lines.push('expires: never (no exp claim)')
  }
  return `${lines.join('\n')}\n`
}

/** "in 3 h 5 min" or "2 d ago". */
function describeExpiry(expiresAt: number, now: number): string {
  const delta = expiresAt - now
  const span = formatSpan(Math.abs(delta))
  return delta > 0 ? `in ${span}` : `${span} ago`
}

function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'less than a minute'
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const mins = minutes % 60
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`
  return `${mins} min`
}
