import type { ProfileView } from '@shared/bridge'
import { coverageOf, summarizeConnection } from './connection'

// Why what a view shows may be stale or incomplete, per running profile: a server that cannot be
// reached, a token that was refused, or subscriptions the server did not accept (covered by
// REST polling instead). Words only; the states and coverage are the core's.

/** The problems of every running profile, in profile order. */
export function connectionProblems(profiles: readonly ProfileView[]): ConnectionProblem[] {
  return profiles.filter((p) => p.enabled || p.local).flatMap(problemOf)
}

/** Something that makes what the dashboard shows stale or incomplete, for one profile. */
export interface ConnectionProblem {
  key: string
  profileId: string
  tone: 'warning' | 'error'
  icon: 'offline' | 'key' | 'warning'
  title: string
  detail: string
  signIn: boolean
}

function problemOf(profile: ProfileView): ConnectionProblem[] {
  const state = profile.connection
  const name = profile.local ? 'The local gateway' : profile.name
  const base = { profileId: profile.id, signIn: false }
  const summary = summarizeConnection(state)
  const attempt = state.attempt ?? 0
  const down =
    state.state === 'offline' ||
    (state.state === 'reconnecting' && attempt >= 2) ||
    (state.state === 'connecting' && attempt >= 3)
  if (down) {
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
