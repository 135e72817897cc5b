import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AppService } from '@main/app/app-service'
import { InstanceLockedError, acquireInstanceLock } from '@main/app/instance-lock'
import type { InstanceLock } from '@main/app/instance-lock'
import { localGatewayFactory } from '@main/app/local-profile'
import { overridesFromEnv } from '@main/app/run-overrides'
import { defaultUserDataDir } from '@main/app/user-data-dir'
import { TokenVault } from '@main/core/token-vault'
import { openBrowser } from '@main/ui/open-browser'
import { ExitCode, UsageError } from './common'
import { UI_HELP, parseUiArgs } from './ui-args'
import type { UiArgs } from './ui-args'
import { startUiServer } from '@main/ui/ui-server'
import type { UiServer } from '@main/ui/ui-server'
import { describeError } from '@shared/redact'

// `nebula-desktop ui`: the desktop app's service and dashboard, served to a local browser.
// stdout gets exactly one line (the link with its key); everything else goes to stderr.

const PREFIX = 'nebula-desktop ui'

/** The built renderer next to the built CLI (out/main/cli.js → out/renderer). */
function rendererDir(): string {
  return resolve(__dirname, '../renderer')
}

/** The app's version, from package.json two levels above (out/main or src/main). */
function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as {
      version?: unknown
    }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** Runs `ui` until SIGINT/SIGTERM; resolves to the exit code. */
export async function runUiCli(argv: string[]): Promise<number> {
  const diag = (line: string): void => void process.stderr.write(`${PREFIX}: ${line}\n`)
  let args: UiArgs | 'help'
  try {
    args = parseUiArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    diag(`${error.message} (see --help)`)
    return ExitCode.Usage
  }
  if (args === 'help') {
    process.stdout.write(UI_HELP)
    return ExitCode.Ok
  }
  const dashboard = rendererDir()
  if (!existsSync(join(dashboard, 'index.html'))) {
    diag('the dashboard is not built yet: run `npm run build` (or `npm run ui`, which builds)')
    return ExitCode.Failure
  }
  const settingsDir = resolve(args.settingsDir ?? defaultUserDataDir())
  let lock: InstanceLock
  try {
    lock = acquireInstanceLock(settingsDir, 'ui')
  } catch (error) {
    if (error instanceof InstanceLockedError) {
      diag(`${error.message}, or use --settings-dir for a separate one`)
      return ExitCode.Busy
    }
    diag(`cannot use ${settingsDir}: ${describeError(error)}`)
    return ExitCode.Failure
  }
  return serve(args, settingsDir, dashboard, lock, diag)
}

/** The app service of this run: the same settings and keychain as the desktop app. */
function startService(
  args: UiArgs,
  settingsDir: string,
  diag: (line: string) => void
): Promise<AppService> {
  const hasRunFlags = args.overrides.localDevMode !== undefined || args.overrides.server
  // A bad NEBULA_SERVER_URL is ignored: said on stderr and shown in the dashboard.
  const warnings: string[] = []
  const warn = (warning: string): void => {
    diag(warning)
    warnings.push(warning)
  }
  return AppService.start({
    settingsDir,
    vault: new TokenVault({ onWarning: (error) => diag(error.message) }),
    info: {
      name: 'Nebula Desktop',
      version: appVersion(),
      platform: process.platform,
      transport: 'browser'
    },
    overrides: hasRunFlags ? args.overrides : overridesFromEnv(process.env, warn),
    warnings,
    startLocal: localGatewayFactory({
      ...(args.failureRate !== undefined ? { failureRate: args.failureRate } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {})
    }),
    log: diag
  })
}

async function serve(
  args: UiArgs,
  settingsDir: string,
  dashboard: string,
  lock: InstanceLock,
  diag: (line: string) => void
): Promise<number> {
  let service: AppService | undefined
  let server: UiServer | undefined
  try {
    service = await startService(args, settingsDir, diag)
    server = await startUiServer({
      bridge: service.host,
      rendererDir: dashboard,
      host: args.host,
      port: args.port,
      allowRemote: args.allowRemote,
      log: diag
    })
  } catch (error) {
    await service?.dispose()
    lock.release()
    const code = (error as { code?: unknown } | null)?.code
    const reason = code === 'EADDRINUSE' ? `port ${args.port} is in use` : describeError(error)
    diag(`could not start: ${reason}`)
    return ExitCode.Failure
  }
  lock.setUrl(server.url)
  if (args.allowRemote && args.host !== '127.0.0.1' && args.host !== 'localhost') {
    diag(
      `warning: serving on ${args.host}: anyone who can reach this machine and has the link can use the dashboard, including signing in`
    )
  }
  process.stdout.write(`dashboard on ${server.urlWithKey}\n`)
  if (args.open) {
    const problem = await openBrowser(server.urlWithKey, settingsDir)
    if (problem) diag(problem)
  }
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    const onSignal = (received: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolveSignal(received)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  // A second Ctrl-C while shutting down stops at once.
  const force = (): void => process.exit(ExitCode.Failure)
  process.once('SIGINT', force)
  try {
    await server.close()
    await service.dispose()
  } catch (error) {
    diag(`error while stopping: ${describeError(error)}`)
    return ExitCode.Failure
  } finally {
    lock.release()
    process.off('SIGINT', force)
  }
  diag(`stopped (${signal})`)
  return ExitCode.Ok
}
