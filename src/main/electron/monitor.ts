import { join } from 'node:path'
import { app, powerMonitor } from 'electron'
import type { SessionState } from '@shared/bridge/contract'
import { startLocalServer } from '@main/core/local-server'
import type { LocalServer } from '@main/core/local-server'
import { describeError } from '@shared/redact'
import { MonitorSession } from '@main/core/session'
import { DEFAULT_PROFILE, TokenVault } from '@main/core/token-vault'

/** The running monitor: the core session and, in local dev mode, the in-process gateway. */
export interface RunningMonitor {
  session: MonitorSession
  mode: 'local' | 'remote'
  stop(): Promise<void>
}

/**
 * Starts the monitor core for the app. With no server configured (`NEBULA_SERVER_URL` unset)
 * it runs in local dev mode against the bundled gateway, so the app works out of the box.
 */
export async function startMonitor(
  publish: (state: SessionState) => void
): Promise<RunningMonitor> {
  const log = (line: string): void => console.warn(`[monitor] ${line}`)
  const configured = process.env.NEBULA_SERVER_URL?.trim()
  const profile = process.env.NEBULA_PROFILE?.trim() || DEFAULT_PROFILE
  let local: LocalServer | undefined
  if (!configured) local = await startLocalServer({ subject: 'local-desktop', log })
  const vault = new TokenVault({ onWarning: (error) => log(error.message) })
  const session = new MonitorSession({
    server: local?.url ?? configured!,
    profile: local ? 'local' : profile,
    getToken: local ? () => local.token : () => vault.get(profile),
    stateDir: local ? null : join(app.getPath('userData'), 'state'),
    follow: 'all',
    log
  })
  const serverUrl = session.connection.endpoints.httpBase
  session.on('state', (state) => publish({ ...state, server_url: serverUrl }))
  // A laptop waking up has a dead socket and a fresh network: retry now, not after the backoff.
  const onResume = (): void => session.nudge()
  powerMonitor.on('resume', onResume)
  session.start()
  return {
    session,
    mode: local ? 'local' : 'remote',
    async stop() {
      powerMonitor.off('resume', onResume)
      session.dispose()
      await local
        ?.close()
        .catch((error: unknown) => log(`closing the local gateway: ${describeError(error)}`))
    }
  }
}
