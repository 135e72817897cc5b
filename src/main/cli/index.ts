import { runGatewayCli } from './gateway'
import { runTokenCli } from './token'
import { runUiCli } from './ui'
import { runWatchCli } from './watch'
import { ExitCode } from './common'

const USAGE = `usage: nebula-desktop <command> [options]

commands:
  gateway   run the bundled local Nebula gateway (HTTP + WebSocket)
  watch     follow a Nebula server headlessly and print states, messages and alerts
  token     set, inspect or delete the token kept in the OS keychain
  ui        serve the dashboard to a browser on this machine (same sessions as the app)

Run \`nebula-desktop <command> --help\` for a command's options.
`

/** Runs one subcommand and resolves to the process exit code (see ExitCode). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'gateway':
      return runGatewayCli(rest)
    case 'watch':
      return runWatchCli(rest)
    case 'token':
      return runTokenCli(rest)
    case 'ui':
      return runUiCli(rest)
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE)
      return command === undefined ? ExitCode.Usage : ExitCode.Ok
    default:
      // Not quoted: a stray first argument is as likely to be a pasted token as a typo.
      process.stderr.write(`nebula-desktop: unknown command (not shown)\n${USAGE}`)
      return ExitCode.Usage
  }
}
