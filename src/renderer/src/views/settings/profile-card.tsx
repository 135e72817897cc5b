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

/** One profile: its connection, token facts and the things a person can do with it. */
export function ProfileCard({ profile, signIn }: { profile: ProfileView; signIn: boolean }) {
  const bridge = useBridge()
  const activeId = useDashboard((s) => s.settings?.active_profile_id ?? null)
  const [editing, setEditing] = useState(false)
  const [replacing, setReplacing] = useState(false)
  const needsToken =
    !profile.token.present || profile.token.expired || profile.connection.state === 'auth_failed'
  const [confirmRemove, setConfirmRemove] = useState(false)
  const remove = useCommand()
  const makeDefault = useCommand()
  const summary = summarizeConnection(profile.connection)
  const error = remove.error ?? makeDefault.error

  const setEnabled = (enabled: boolean) =>
    bridge.saveProfile({
      profile: {
        id: profile.id,
        name: profile.name,
        server_url: profile.server_url,
        enabled,
        auth_method: profile.auth_method,
        allow_insecure: profile.allow_insecure
      }
    })

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
          {needsToken || replacing || signIn ? (
            <SignInForm
              profile={profile}
              focus={signIn || replacing}
              onSignedIn={() => {
                setReplacing(false)
                if (signIn)
                  navigate(
                    { view: 'settings', profile: profile.id, signIn: false },
                    { replace: true }
                  )
              }}
              onCancel={needsToken ? undefined : () => setReplacing(false)}
            />
          ) : (
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
          )}
          <div className="profile__actions">
            <SettingCheckbox
              checked={profile.enabled}
              onCommit={setEnabled}
              testId="profile-enabled"
            >
              Watch this server
            </SettingCheckbox>
            <span className="spacer" />
            {activeId !== profile.id && (
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() =>
                  void makeDefault.run(() => bridge.switchProfile({ profile_id: profile.id }))
                }
              >
                Make default
              </button>
            )}
            <button
              type="button"
              className="btn btn--small"
              onClick={() => setEditing(true)}
              data-testid="profile-edit"
            >
              Edit
            </button>
            {confirmRemove ? (
              <span className="confirm" role="group" aria-label={`Remove ${profile.name}?`}>
                <span>Remove {profile.name}?</span>
                <button
                  type="button"
                  className="btn btn--small btn--danger"
                  onClick={() =>
                    void remove.run(() => bridge.removeProfile({ profile_id: profile.id }))
                  }
                  data-testid="profile-remove-confirm"
                  autoFocus
                >
                  Remove
                </button>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => setConfirmRemove(false)}
                >
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
          </div>
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {describeFailure(error)}
        </p>
      )}
    </li>
  )
}
