import { BridgeUnavailable } from './components/bridge-unavailable'
import { Header } from './components/header'
import { StatusPanel } from './components/status-panel'
import { describeConnection } from './connection-view'
import type { ShellStore } from './store/shell-store'
import { useShellState } from './store/use-shell-state'
import { useNow } from './use-now'

/** The app shell: header with version and connection badge over the main area. */
export function App({ store }: { store: ShellStore }) {
  const shell = useShellState(store)
  // A one-second clock runs only while the state carries a retry countdown.
  const clock = useNow(shell.session?.state.retry_in_ms !== undefined)
  const now = Math.max(clock, shell.session?.receivedAt ?? 0)
  const connection = describeConnection(shell.bridgeAvailable, shell.session, now)

  return (
    <div className="shell">
      <Header appInfo={shell.appInfo} connection={connection} />
      <main className="shell__main">
        {shell.bridgeAvailable ? (
          <StatusPanel connection={connection} session={shell.session} />
        ) : (
          <BridgeUnavailable />
        )}
      </main>
    </div>
  )
}
