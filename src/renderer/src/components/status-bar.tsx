import type { ProfileView } from '@shared/bridge'
import { summarizeConnection } from '@renderer/lib/connection'
import { secondsUntil } from '@renderer/lib/format'
import { useNow } from '@renderer/lib/clock'
import { useCommand } from '@renderer/lib/use-command'
import { navigate } from '@renderer/lib/use-route'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
import { Icon } from './icon'
import { ToneIcon } from './status-badge'

/** The always-visible strip: each enabled profile's connection and coverage, and local dev mode. */
export function StatusBar() {
  const profiles = useDashboard((s) => s.profiles)
  const phase = useDashboard((s) => s.phase)
  const info = useDashboard((s) => s.info)
  const shown = profiles.filter((p) => p.enabled || p.local)
  const local = profiles.some((p) => p.local)
  return (
    <header className="statusbar" aria-label="Connection status">
      <div className="statusbar__brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="statusbar__title">Nebula</span>
        {info && <span className="statusbar__version">v{info.version}</span>}
      </div>
      <ul className="statusbar__profiles" aria-label="Profiles" data-testid="status-profiles">
        {phase === 'loading' && <li className="statusbar__note">Loading…</li>}
        {phase === 'ready' && shown.length === 0 && (
          <li className="statusbar__note">
            <Icon name="offline" /> No server configured
          </li>
        )}
        {shown.map((profile) => (
          <ProfileStatus key={profile.id} profile={profile} />
        ))}
      </ul>
      {local && (
        <span className="badge badge--local" data-testid="local-mode-badge">
          <Icon name="laptop" /> Local dev mode
        </span>
      )}
    </header>
  )
}

function ProfileStatus({ profile }: { profile: ProfileView }) {
  const summary = summarizeConnection(profile.connection)
  const name = profile.local ? 'Local gateway' : profile.name
  return (
    <li
      className={`conn conn--${summary.tone}`}
      data-testid="profile-status"
      data-profile={profile.id}
      data-state={profile.connection.state}
      title={profile.connection.reason ?? profile.connection.server_url ?? profile.server_url}
    >
      <ToneIcon tone={summary.tone} />
      <span className="conn__name">{name}</span>
      <span className="conn__state" data-testid="connection-label">
        {summary.label}
      </span>
      {summary.coverage && (
        <span
          className={`conn__coverage conn__coverage--${summary.coverageTone}`}
          data-testid="coverage"
        >
          {summary.coverage}
        </span>
      )}
      {(summary.canRetry || summary.attempting) && (
        <RetryCountdown
          profile={profile}
          retryAt={summary.retryAt}
          attempt={summary.attempt}
          attempting={summary.attempting}
        />
      )}
      {summary.needsSignIn && (
        <button
          type="button"
          className="btn btn--small btn--primary"
          data-testid="sign-in-again"
          onClick={() => navigate({ view: 'settings', profile: profile.id, signIn: true })}
        >
          <Icon name="key" /> Sign in again
        </button>
      )}
    </li>
  )
}

function RetryCountdown({
  profile,
  retryAt,
  attempt,
  attempting
}: {
  profile: ProfileView
  retryAt: number | null
  attempt: number | null
  attempting: boolean
}) {
  const now = useNow()
  const bridge = useBridge()
  const retry = useCommand()
  // The shared clock ticks once a second: never count from a moment before the state arrived.
  const seconds =
    retryAt === null ? null : secondsUntil(retryAt, Math.max(now, profile.connection.at))
  return (
    <>
      <span className="conn__retry" data-testid="retry-countdown">
        {attempt !== null && `attempt ${attempt} · `}
        {attempting || seconds === 0
          ? 'trying now'
          : seconds === null
            ? 'waiting'
            : `retry in ${seconds} s`}
      </span>
      <button
        type="button"
        className="btn btn--small"
        data-testid="retry-now"
        disabled={retry.pending || attempting}
        onClick={() => void retry.run(() => bridge.reconnect({ profile_id: profile.id }))}
      >
        <Icon name="retry" /> Retry now
      </button>
      {retry.error && (
        <span className="conn__error" role="alert">
          {retry.error.message}
        </span>
      )}
    </>
  )
}
