import { parseArgs } from 'node:util'
import { isLoopbackHost } from '@shared/loopback'
import { PROFILE_ID_PATTERN } from '@shared/settings'
import { ServerUrlError, resolveServerEndpoints } from '@main/core/server-url'
import { DEFAULT_PROFILE } from '@main/core/token-vault'
import type { RunOverrides } from '@main/app/run-overrides'

// `nebula-desktop ui` arguments. Error messages name options, never echo values (a stray
// argument is often a pasted token). Local helpers until src/main/cli/common.ts is merged.

export const UI_HELP = `usage: nebula-desktop ui [--local | --server URL --profile ID] [options]

Serves the Nebula Desktop dashboard to a browser on this machine: the same monitor sessions
the app runs (profiles and settings from the same settings file, tokens from the same
keychain), joined to the page by a local WebSocket. Prints one line:
  dashboard on http://127.0.0.1:PORT/#key=…
The key in that link is the only way in; keep it to yourself. Ctrl-C stops.

options:
  --local               local dev mode for this run: the bundled gateway in-process
  --server URL          watch this server for this run, as --profile (token from the keychain)
  --profile ID          the profile --server runs as (default "default")
  --port N              port to listen on (default 0: any free port)
  --host HOST           interface (default 127.0.0.1: this machine only)
  --allow-remote        allow a --host other machines can reach (prints a warning)
  --open, --no-open     open the default browser (default: --no-open)
  --settings-dir DIR    where settings.json lives (default: the desktop app's folder)
  --failure-rate R      local dev mode: chance 0..1 that a demo execution fails (default 0.2)
  --seed N              local dev mode: seed of the simulated engine
  -h, --help            show this help

environment: NEBULA_SERVER_URL / NEBULA_PROFILE as for the app (when --local/--server are absent)

exit codes: 0 stopped by Ctrl-C (SIGINT) or SIGTERM, 1 could not start, 2 usage error,
            6 another \`ui\` already serves these settings
`

export const UI_EXIT = { ok: 0, failure: 1, usage: 2, busy: 6 } as const

/** Bad arguments: printed with the command's prefix, exit code 2. */
export class UiUsageError extends Error {
  override name = 'UiUsageError'
}

export interface UiArgs {
  overrides: RunOverrides
  host: string
  port: number
  allowRemote: boolean
  open: boolean
  settingsDir: string | undefined
  failureRate: number | undefined
  seed: number | undefined
}

const OPTIONS = {
  local: { type: 'boolean' },
  server: { type: 'string' },
  profile: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  open: { type: 'boolean' },
  'settings-dir': { type: 'string' },
  'failure-rate': { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UiUsageError(`${flag} needs a whole number ${min}..${max}`)
  }
  return n
}

/** Parses `ui` flags; throws UiUsageError with a one-line message. */
export function parseUiArgs(argv: string[]): UiArgs | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
      options: OPTIONS
    })
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new UiUsageError(
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'unexpected argument (not shown: it may be a secret)'
        : code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
          ? 'unknown option'
          : 'an option is missing its value or has one it does not take'
    )
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (v.local && v.server !== undefined)
    throw new UiUsageError('give --local or --server, not both')
  if (v.profile !== undefined && v.server === undefined)
    throw new UiUsageError('--profile goes with --server')
  const overrides: RunOverrides = {}
  if (v.local) overrides.localDevMode = true
  if (v.server !== undefined) {
    try {
      resolveServerEndpoints(v.server)
    } catch (error) {
      if (error instanceof ServerUrlError) throw new UiUsageError(`--server: ${error.message}`)
      throw error
    }
    const profile = v.profile ?? DEFAULT_PROFILE
    if (!PROFILE_ID_PATTERN.test(profile)) {
      throw new UiUsageError('--profile: use 1 to 64 characters from A-Z a-z 0-9 . _ -')
    }
    overrides.server = { url: v.server, profile }
  }
  const host = (v.host ?? '127.0.0.1').trim()
  if (host === '') throw new UiUsageError('--host is empty')
  if (!isLoopbackHost(host) && !v['allow-remote']) {
    throw new UiUsageError(
      `--host ${host} is reachable from other machines; add --allow-remote to serve there anyway`
    )
  }
  let failureRate: number | undefined
  if (v['failure-rate'] !== undefined) {
    failureRate = Number(v['failure-rate'])
    if (v['failure-rate'].trim() === '' || !(failureRate >= 0 && failureRate <= 1)) {
      throw new UiUsageError('--failure-rate needs a number 0..1')
    }
  }
  return {
    overrides,
    host,
    port: v.port === undefined ? 0 : integer('--port', v.port, 0, 65535),
    allowRemote: v['allow-remote'] ?? false,
    open: v.open ?? false,
    settingsDir: v['settings-dir'],
    failureRate,
    seed: v.seed === undefined ? undefined : integer('--seed', v.seed, 0, 2 ** 32 - 1)
  }
}
