import { isLoopbackHost } from '@shared/loopback'
import { DEFAULT_PROFILE } from '@main/core/token-vault'
import type { RunOverrides } from '@main/app/run-overrides'
import {
  ExitCode,
  UsageError,
  checkProfileFlag,
  checkServerFlag,
  exitCodeHelp,
  parseFlags,
  parseFraction,
  parseWholeNumber,
  type OptionTable
} from './common'

// `nebula-desktop ui` arguments. Error messages name options, never echo values (a stray
// argument is often a pasted token).

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

${exitCodeHelp([
  [ExitCode.Ok, 'stopped by Ctrl-C (SIGINT) or SIGTERM'],
  [ExitCode.Failure, 'could not start'],
  [ExitCode.Usage, 'usage error'],
  [ExitCode.Busy, 'another `ui`, or the desktop app, already uses these settings']
])}`

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
} as const satisfies OptionTable

const integer = (flag: string, value: string, min: number, max: number): number =>
  parseWholeNumber(value, min, max, `${flag} needs a whole number ${min}..${max}`)

/** Parses `ui` flags; throws UsageError with a one-line message. */
export function parseUiArgs(argv: string[]): UiArgs | 'help' {
  const v = parseFlags(argv, { allowNegative: true, options: OPTIONS }).values
  if (v.help) return 'help'
  if (v.local && v.server !== undefined) throw new UsageError('give --local or --server, not both')
  if (v.profile !== undefined && v.server === undefined)
    throw new UsageError('--profile goes with --server')
  const overrides: RunOverrides = {}
  if (v.local) overrides.localDevMode = true
  if (v.server !== undefined) {
    checkServerFlag(v.server)
    const profile = v.profile ?? DEFAULT_PROFILE
    checkProfileFlag(profile)
    overrides.server = { url: v.server, profile }
  }
  const host = (v.host ?? '127.0.0.1').trim()
  if (host === '') throw new UsageError('--host is empty')
  if (!isLoopbackHost(host) && !v['allow-remote']) {
    throw new UsageError(
      `--host ${host} is reachable from other machines; add --allow-remote to serve there anyway`
    )
  }
  const failureRate =
    v['failure-rate'] === undefined
      ? undefined
      : parseFraction(v['failure-rate'], '--failure-rate needs a number 0..1')
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
