import type { ProfileView } from '@shared/bridge'
import { coverageOf, summarizeConnection } from '@renderer/lib/connection'
import { navigate } from '@renderer/lib/use-route'
import { useDashboard } from '@renderer/store/use-dashboard'
import { Icon } from './icon'

/**
 * Why what a view shows may be stale or incomplete: a server that cannot be reached, a token
 * that was refused, or subscriptions the server refused (covered by polling instead).
 */
export function ConnectionBanner() {
  const profiles = useDashboard((s) => s.profiles)
  const problems = profiles.filter((p) => p.enabled || p.local).flatMap(problemOf)
  if (problems.length === 0) return null
  return (
    <div className="banners" data-testid="connection-banner">
      {problems.map((problem) => (
        <div key={problem.key} className={`banner banner--${problem.tone}`}>
          <Icon name={problem.icon} />
          <p className="banner__text">
            <strong>{problem.title}</strong> {problem.detail}
          </p>
          {problem.signIn && (
            <button
              type="button"
              className="btn btn--small btn--primary"
              onClick={() =>
                navigate({ view: 'settings', profile: problem.profileId, signIn: true })
              }
            >
              <Icon name="key" /> Sign in again
            </button>
          )}
        </div>
      ))}
    </div>
  )
}

interface Problem {
  key: string
  profileId: string
  tone: 'warning' | 'error'
  icon: 'offline' | 'key' | 'warning'
  title: string
  detail: string
  signIn: boolean
}

function problemOf(profile: ProfileView): Problem[] {
  const state = profile.connection
  const name = profile.local ? 'The local gateway' : profile.name
  const base = { profileId: profile.id, signIn: false }
  const summary = summarizeConnection(state)
  if (state.state === 'offline' || (state.state === 'reconnecting' && (state.attempt ?? 0) >= 2)) {
    return [
      {
        ...base,
        key: `${profile.id}:down`,
        tone: 'error',
        icon: 'offline',
        title: `${name} cannot be reached.`,
        detail: `${state.reason ? `${state.reason}. ` : ''}Showing what was last received; nothing is lost while it retries.`
      }
    ]
  }
  if (summary.needsSignIn) {
    return [
      {
        ...base,
        key: `${profile.id}:auth`,
        tone: 'error',
        icon: 'key',
        title: `${name} refused the token.`,
        detail: 'Nothing new arrives until you sign in again.',
        signIn: true
      }
    ]
  }
  const coverage = coverageOf(state)
  if (
    state.state === 'open' &&
    coverage &&
    (coverage.level === 'partial' || coverage.level === 'polling')
  ) {
    const refused = coverage.refused + coverage.pending
    return [
      {
        ...base,
        key: `${profile.id}:coverage`,
        tone: 'warning',
        icon: 'warning',
        title: `${name}: live updates are ${coverage.level === 'partial' ? 'partial' : 'unavailable'}.`,
        detail: `${refused} ${refused === 1 ? 'subscription was' : 'subscriptions were'} not accepted by the server; ${coverage.polled} ${coverage.polled === 1 ? 'is' : 'are'} polled over REST instead, so changes there can show up late.`
      }
    ]
  }
  return []
}
