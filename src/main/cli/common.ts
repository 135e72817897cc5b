import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { PROFILE_ID_PATTERN } from '@shared/settings'
import { ServerUrlError, resolveServerEndpoints } from '@main/core/server-url'

// What every `nebula-desktop` command shares: the exit codes, the usage error, a bounded stdin
// reader, flag parsing and checks, and parse-error wording that never quotes a value (a stray
// argument is often a pasted token, and whatever a command prints may end up in a terminal log
// or a CI transcript).

/** The process exit codes of every command; the numbers are documented and stable. */
export const ExitCode = {
  /** Done; `watch` was stopped by SIGINT/SIGTERM; `token status` found a token. */
  Ok: 0,
  /** An unexpected error; for `token status`/`token delete`: no token is stored. */
  Failure: 1,
  /** Bad arguments or bad input (nothing was done). */
  Usage: 2,
  /** The server refused the token, or there is no token to send. */
  AuthFailed: 3,
  /** `watch --exit-on-offline`: the fast reconnect loop gave up. */
  GaveUp: 4,
  /** No OS keychain answered (the message names the fix). */
  KeychainUnavailable: 5,
  /** `ui`: another `ui` or the desktop app already uses these settings (the message names it). */
  Busy: 6
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** Bad arguments or input: the command prints the message and exits with ExitCode.Usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The `exit codes:` block of a command's help, one line per code it can return. */
export function exitCodeHelp(lines: ReadonlyArray<readonly [ExitCode, string]>): string {
  return `exit codes:\n${lines.map(([code, text]) => `  ${code}  ${text}`).join('\n')}\n`
}

/** Reads all of `stream` as UTF-8; throws UsageError as soon as it exceeds `maxBytes`. */
export async function readBoundedInput(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
  what = 'standard input'
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    // Leaving the loop early destroys the stream, so the rest is never buffered.
    if (size > maxBytes) throw new UsageError(`${what} is larger than ${maxBytes} bytes`)
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The option table `parseArgs` takes, as far as describing its errors needs it. */
export type OptionTable = Record<string, { type: 'string' | 'boolean'; short?: string }>

/** Option names are echoed only when they look like option names, never like values. */
const PRINTABLE_OPTION = /^--?[A-Za-z][A-Za-z0-9-]{0,30}$/

/**
 * A `parseArgs` failure in words that never quote an argument's value: the unknown option's
 * name (when it looks like one) or the option missing its value, and nothing else.
 */
export function describeArgsError(error: unknown, argv: string[], options: OptionTable): string {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = new Set(
      Object.entries(options).flatMap(([name, o]) => [
        `--${name}`,
        ...(o.short ? [`-${o.short}`] : [])
      ])
    )
    const unknown = argv
      .filter((arg) => arg.startsWith('-') && arg !== '--')
      .map((arg) => arg.split('=')[0]!)
      .find(
        (name) => !known.has(name) && !(name.startsWith('--no-') && known.has(`--${name.slice(5)}`))
      )
    return unknown && PRINTABLE_OPTION.test(unknown)
      ? `unknown option ${unknown}`
      : 'unknown option'
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // Node names the option from our own table ("Option '-p, --profile <value>' ..."): only that
    // name is taken from the message.
    const message = error instanceof Error ? error.message : ''
    const name = /--[A-Za-z][A-Za-z0-9-]*/.exec(message)?.[0]
    const option = name ? options[name.slice(2)] : undefined
    if (!name || !option) return 'an option has an invalid value'
    return option.type === 'boolean'
      ? `option ${name} takes no value`
      : `option ${name} needs a value`
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return unexpectedArgument()
  return 'invalid arguments'
}

/** What `parseFlags` takes: parseArgs' configuration without `args` and `strict`. */
export type FlagsConfig = Omit<ParseArgsConfig, 'args' | 'strict'> & { options: OptionTable }

/** The result of `parseFlags` for `T`, typed as parseArgs types it. */
export type ParsedFlags<T extends FlagsConfig> = ReturnType<
  typeof parseArgs<T & { args: string[]; strict: true }>
>

/**
 * `parseArgs` over `argv` in strict mode (so no positionals unless allowed); a refusal becomes a
 * UsageError that quotes no value.
 */
export function parseFlags<T extends FlagsConfig>(argv: string[], config: T): ParsedFlags<T> {
  try {
    return parseArgs({ ...config, args: argv, strict: true })
  } catch (error) {
    throw new UsageError(describeArgsError(error, argv, config.options))
  }
}

/**
 * `value` as a whole number from `min` to `max`, written in digits only (no sign, point,
 * exponent or blank); anything else throws UsageError(refusal).
 */
export function parseWholeNumber(value: string, min: number, max: number, refusal: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(refusal)
  }
  return n
}

/** `value` as a number from 0 to 1 (a probability); anything else throws UsageError(refusal). */
export function parseFraction(value: string, refusal: string): number {
  const n = Number(value)
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(refusal)
  return n
}

/** Throws a UsageError (`--server: why`) for a server URL the monitor will not use. */
export function checkServerFlag(server: string, allowInsecure = false): void {
  try {
    resolveServerEndpoints(server, { allowInsecure })
  } catch (error) {
    if (error instanceof ServerUrlError) throw new UsageError(`--server: ${error.message}`)
    throw error
  }
}

/** Throws a UsageError, without echoing it, for a `--profile` that is not a profile id. */
export function checkProfileFlag(profile: string): void {
  if (!PROFILE_ID_PATTERN.test(profile)) {
    throw new UsageError('--profile: use 1 to 64 characters from A-Z a-z 0-9 . _ -')
  }
}

/** The message for a stray positional argument; it never contains the argument. */
export function unexpectedArgument(): string {
  return 'unexpected argument (not shown: it may be a secret; tokens are never passed as arguments)'
}

/** One line: newlines and runs of whitespace collapsed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
