import { useCommand } from '@renderer/lib/use-command'
import { describeFailure } from '@renderer/lib/call'
import { navigate } from '@renderer/lib/use-route'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
import { EmptyState } from './empty-state'
import { Icon } from './icon'
import { ErrorAlert } from './error-alert'

/** True when no profile runs: no enabled server and local dev mode off. */
export function useNoServer(): boolean {
  const profiles = useDashboard((s) => s.profiles)
  const phase = useDashboard((s) => s.phase)
  return phase === 'ready' && !profiles.some((p) => p.enabled || p.local)
}

/** The first-run state: nothing to watch yet, and the two ways to fix that. */
export function NoServer() {
  const bridge = useBridge()
  const enable = useCommand()
  return (
    <EmptyState
      icon="offline"
      title="No server to watch yet"
      testId="no-server"
      actions={
        <>
          <button
            type="button"
            className="btn btn--primary"
            disabled={enable.pending}
            onClick={() => void enable.run(() => bridge.setLocalDevMode({ enabled: true }))}
          >
            <Icon name="laptop" /> Turn on local dev mode
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => navigate({ view: 'settings', profile: null, signIn: false })}
          >
            <Icon name="plus" /> Add a server profile
          </button>
        </>
      }
    >
      <p>
        Add the address of your Nebula server in Settings, or turn on local dev mode to watch the
        bundled gateway with demo workflows.
      </p>
      <ErrorAlert message={enable.error && describeFailure(enable.error)} />
    </EmptyState>
  )
}
