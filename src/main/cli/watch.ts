import { startLocalServer } from '@main/core/local-server'
import type { LocalServer } from '@main/core/local-server'
import { describeError } from '@shared/redact'
import { MonitorSession } from '@main/core/session'
import { KeychainUnavailableError } from '@main/core/keychain-errors'
import { TokenVault } from '@main/core/token-vault'
import { ExitCode, UsageError, readBoundedInput } from './common'
import { MAX_WATCH_TOKEN_BYTES, WATCH_HELP, parseWatchArgs, type WatchArgs } from './watch-args'
import { jsonOutput, prettyOutput } from './watch-output'

// `nebula-desktop watch`: argument parsing lives in watch-args.ts, the output formats in
// watch-output.ts; this file resolves the token and runs one MonitorSession until told to stop.

/** Where the token comes from; resolves to null for "none found" and throws usage errors. */
async function resolveToken(
  args: WatchArgs,
  local: LocalServer | undefined
): Promise<string | null> {
  if (local) return local.token
  if (args.tokenEnv !== undefined) {
    const token = process.env[args.tokenEnv]?.trim()
    if (!token)
      throw new UsageError(`the environment variable named by --token-env is empty or not set`)
    return token
  }
  if (args.tokenStdin) {
    const token = (await readBoundedInput(process.stdin, MAX_WATCH_TOKEN_BYTES)).trim()
    if (!token) throw new UsageError('no token on standard input')
    if (/\s/.test(token)) throw new UsageError('standard input holds more than one token')
    return token
  }
  return new TokenVault({ fallback: 'none' }).get(args.profile)
}

const diag = (line: string): void => {
  process.stderr.write(`nebula-desktop watch: ${line}\n`)
}

/** The exit code for a failure before the session starts (token, keychain, local gateway). */
function startFailure(error: unknown): number {
  if (error instanceof UsageError) {
    diag(error.message)
    return ExitCode.Usage
  }
  if (error instanceof KeychainUnavailableError) {
    diag(error.message)
    return ExitCode.KeychainUnavailable
  }
  diag(describeError(error))
  return ExitCode.Failure
}

/** `nebula-desktop watch`: a headless monitor on the same core as the app. */
export async function runWatchCli(argv: string[]): Promise<number> {
  let args: WatchArgs | 'help'
  try {
    args = parseWatchArgs(argv)
  } catch (error) {
    const message = error instanceof UsageError ? error.message : describeError(error)
    process.stderr.write(`nebula-desktop watch: ${message}\n`)
    return ExitCode.Usage
  }
  if (args === 'help') {
    process.stdout.write(WATCH_HELP)
    return ExitCode.Ok
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
    return startFailure(error)
  }
  if (!token) {
    diag(
      `no token for profile "${args.profile}"; store one with \`nebula-desktop token set --profile ${args.profile}\``
    )
    return ExitCode.AuthFailed
  }
  const session = new MonitorSession({
    server: local?.url ?? args.server!,
    allowInsecure: args.allowInsecure,
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
  return watchUntilDone(session, args, local)
}

/** Prints what the session reports until a signal or a terminal state; resolves to the code. */
function watchUntilDone(
  session: MonitorSession,
  args: WatchArgs,
  local: LocalServer | undefined
): Promise<number> {
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
      process.stdout.off('error', onStdoutError)
      session.dispose()
      void (local?.close() ?? Promise.resolve()).finally(() => resolve(code))
    }
    const onSignal = (): void => finish(ExitCode.Ok)
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    // A closed pipe (`watch | head`) ends the watch quietly instead of crashing it.
    const onStdoutError = (): void => finish(ExitCode.Ok)
    process.stdout.on('error', onStdoutError)

    session.on('state', (state) => {
      out.state(state)
      if (state.state === 'auth_failed') {
        diag(`authentication failed: ${state.reason ?? 'rejected by the server'}`)
        finish(ExitCode.AuthFailed)
      } else if (state.state === 'offline' && args.exitOnOffline) {
        diag('gave up reconnecting (--exit-on-offline)')
        finish(ExitCode.GaveUp)
      } else if (state.state === 'closed' && state.code !== undefined && state.code !== 1000) {
        diag(`the server refused the connection: ${state.reason ?? state.code}`)
        finish(ExitCode.Failure)
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
