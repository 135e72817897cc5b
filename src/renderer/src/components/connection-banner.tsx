import { connectionProblems } from '@renderer/lib/connection-problems'
import { navigate } from '@renderer/lib/use-route'
import { useDashboard } from '@renderer/store/use-dashboard'
import { Icon } from './icon'

/**
 * Why what a view shows may be stale or incomplete: a server that cannot be reached, a token
 * that was refused, or subscriptions the server refused (covered by polling instead).
 */
export function ConnectionBanner() {
  const profiles = useDashboard((s) => s.profiles)
  const problems = connectionProblems(profiles)
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
