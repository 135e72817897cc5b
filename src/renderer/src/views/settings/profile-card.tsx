import { useState } from 'react'
import type { ProfileView } from '@shared/bridge'
import { Icon } from '@renderer/components/icon'
import { SettingCheckbox } from '@renderer/components/setting-checkbox'
import { ToneIcon } from '@renderer/components/status-badge'
import { describeFailure } from '@renderer/lib/call'
import { summarizeConnection } from '@renderer/lib/connection'
import { useCommand } from '@renderer/lib/use-command'
import { navigate } from '@renderer/lib/use-route'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
import { ProfileForm } from './profile-form'
import { SignInForm, TokenFacts } from './sign-in-form'
import { ErrorAlert } from '@renderer/components/error-alert'

/** One profile: its connection, token facts and the things a person can do with it. */
export function ProfileCard({ profile, signIn }: { profile: ProfileView; signIn: boolean }) {
  const activeId = useDashboard((s) => s.settings?.active_profile_id ?? null)
  const [editing, setEditing] = useState(false)
  const summary = summarizeConnection(profile.connection)
  return (
    <li className="card profile" data-testid="profile-card" data-profile={profile.id}>
      <div className="profile__head">
        <div className="profile__title">
          <h3 className="profile__name">{profile.local ? 'Local dev mode' : profile.name}</h3>
          {activeId === profile.id && <span className="tag">Default</span>}
          <span className="profile__url mono muted">
            {profile.connection.server_url ?? profile.server_url}
          </span>
        </div>
        <span className={`conn conn--${summary.tone}`} data-testid="profile-connection">
          <ToneIcon tone={summary.tone} />
          {profile.enabled || profile.local ? summary.label : 'Not watched'}
          {summary.coverage && <span className="muted"> · {summary.coverage}</span>}
        </span>
      </div>
      {profile.connection.reason && profile.connection.state !== 'open' && (
        <p className="profile__reason muted">{profile.connection.reason}</p>
      )}
      {profile.local ? (
        <TokenFacts token={profile.token} />
      ) : editing ? (
        <ProfileForm profile={profile} onDone={() => setEditing(false)} />
      ) : (
        <>
          <TokenSection profile={profile} signIn={signIn} />
          <ProfileActions
            profile={profile}
            isDefault={activeId === profile.id}
            onEdit={() => setEditing(true)}
          />
        </>
      )}
    </li>
  )
}

/**
 * The token: facts and "Replace token" while it works; the sign-in form when there is none, it
 * expired, the server refused it, or "Sign in again" led here.
 */
function TokenSection({ profile, signIn }: { profile: ProfileView; signIn: boolean }) {
  const [replacing, setReplacing] = useState(false)
  const needsToken =
    !profile.token.present || profile.token.expired || profile.connection.state === 'auth_failed'
  if (!needsToken && !replacing && !signIn) {
    return (
      <div className="row">
        <TokenFacts token={profile.token} />
        <button
          type="button"
          className="btn btn--small"
          onClick={() => setReplacing(true)}
          data-testid="replace-token"
        >
          <Icon name="key" /> Replace token
        </button>
      </div>
    )
  }
  return (
    <SignInForm
      profile={profile}
      focus={signIn || replacing}
      onSignedIn={() => {
        setReplacing(false)
        if (signIn) {
          navigate({ view: 'settings', profile: profile.id, signIn: false }, { replace: true })
        }
      }}
      onCancel={needsToken ? undefined : () => setReplacing(false)}
    />
  )
}

/** Watch or not, make default, edit, remove (confirmed). */
function ProfileActions({
  profile,
  isDefault,
  onEdit
}: {
  profile: ProfileView
  isDefault: boolean
  onEdit: () => void
}) {
  const bridge = useBridge()
  const [confirmRemove, setConfirmRemove] = useState(false)
  const remove = useCommand()
  const makeDefault = useCommand()
  const error = remove.error ?? makeDefault.error
  const { id, name, server_url, auth_method, allow_insecure } = profile
  const setEnabled = (enabled: boolean) =>
    bridge.saveProfile({ profile: { id, name, server_url, enabled, auth_method, allow_insecure } })
  return (
    <div className="profile__actions">
      <SettingCheckbox checked={profile.enabled} onCommit={setEnabled} testId="profile-enabled">
        Watch this server
      </SettingCheckbox>
      <span className="spacer" />
      {!isDefault && (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => void makeDefault.run(() => bridge.switchProfile({ profile_id: id }))}
        >
          Make default
        </button>
      )}
      <button type="button" className="btn btn--small" onClick={onEdit} data-testid="profile-edit">
        Edit
      </button>
      {confirmRemove ? (
        <span className="confirm" role="group" aria-label={`Remove ${name}?`}>
          <span>Remove {name}?</span>
          <button
            type="button"
            className="btn btn--small btn--danger"
            onClick={() => void remove.run(() => bridge.removeProfile({ profile_id: id }))}
            data-testid="profile-remove-confirm"
            autoFocus
          >
            Remove
          </button>
          <button type="button" className="btn btn--small" onClick={() => setConfirmRemove(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="btn btn--small btn--ghost"
          onClick={() => setConfirmRemove(true)}
          data-testid="profile-remove"
        >
          <Icon name="trash" /> Remove
        </button>
      )}
      <ErrorAlert message={error && describeFailure(error)} />
    </div>
  )
}
