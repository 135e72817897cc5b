import type { ConnectionView } from '../connection-view'

/** The header's connection pill: a coloured dot, the state, and retry details when there are any. */
export function ConnectionBadge({ view }: { view: ConnectionView }) {
  return (
    <span
      className={`badge badge--${view.tone}`}
      data-state={view.key}
      data-testid="connection-badge"
      role="status"
      aria-live="polite"
    >
      <span className="badge__dot" aria-hidden="true" />
      <span className="badge__label">{view.label}</span>
      {view.detail && (
        <>
          <span className="visually-hidden">, </span>
          <span className="badge__detail">{view.detail}</span>
        </>
      )}
    </span>
  )
}
