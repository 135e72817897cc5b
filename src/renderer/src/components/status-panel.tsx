import type { ConnectionView } from '../connection-view'
import type { ReceivedSessionState } from '../store/shell-store'

/** The main area while the bridge works: where the monitor is connected and how that is going. */
export function StatusPanel({
  connection,
  session
}: {
  connection: ConnectionView
  session: ReceivedSessionState | null
}) {
  return (
    <section className="panel" aria-labelledby="status-heading">
      <h2 id="status-heading" className="panel__heading">
        Connection
      </h2>
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="status-state">
          <span className={`tone-text tone-text--${connection.tone}`}>{connection.label}</span>
          {connection.detail && <span className="facts__aside">{connection.detail}</span>}
        </dd>
        {session?.state.reason && (
          <>
            <dt>Last cause</dt>
            <dd data-testid="status-reason">{session.state.reason}</dd>
          </>
        )}
        <dt>Server</dt>
        <dd data-testid="status-server" className="facts__mono">
          {session?.state.server_url ?? '—'}
        </dd>
      </dl>
      <p className="panel__text">{connection.explanation}</p>
    </section>
  )
}
