import { useEffect, useState } from 'react'
import { Icon } from '@renderer/components/icon'
import { useDashboard } from '@renderer/store/use-dashboard'
import { AppSettings } from './settings/app-settings'
import { NotificationSettings } from './settings/notification-settings'
import { ProfileCard } from './settings/profile-card'
import { ProfileForm } from './settings/profile-form'
import { ViewHeader } from './view-header'
import { Panel } from '@renderer/components/panel'

/** Profiles and sign-in, local dev mode, notifications and app preferences. */
export function SettingsView({
  profile: focusProfile,
  signIn
}: {
  profile: string | null
  signIn: boolean
}) {
  const profiles = useDashboard((s) => s.profiles)
  const settings = useDashboard((s) => s.settings)
  const info = useDashboard((s) => s.info)
  const [adding, setAdding] = useState(false)
  const servers = profiles.filter((p) => !p.local)
  const local = profiles.find((p) => p.local)

  useEffect(() => {
    if (!focusProfile) return
    document
      .querySelector(`[data-profile="${CSS.escape(focusProfile)}"]`)
      ?.scrollIntoView({ block: 'center' })
  }, [focusProfile])

  if (!settings) return null
  return (
    <div className="view view--settings">
      <ViewHeader title="Settings" />
      <Panel
        id="profiles-title"
        className="settings-section"
        testId="profiles"
        title="Servers"
        actions={
          !adding && (
            <button
              type="button"
              className="btn btn--small"
              onClick={() => setAdding(true)}
              data-testid="add-profile"
            >
              <Icon name="plus" /> Add a server
            </button>
          )
        }
      >
        {adding && (
          <div className="card">
            <ProfileForm profile={null} onDone={() => setAdding(false)} />
          </div>
        )}
        <ul className="cards">
          {local && <ProfileCard profile={local} signIn={false} />}
          {servers.map((p) => (
            <ProfileCard key={p.id} profile={p} signIn={signIn && p.id === focusProfile} />
          ))}
        </ul>
        {servers.length === 0 && !adding && (
          <p className="hint-row muted" data-testid="no-profiles">
            <Icon name="info" /> No server profile yet. Add the address of a Nebula server, then
            sign in with a token
            {local ? '; meanwhile local dev mode shows the bundled gateway' : ''}.
          </p>
        )}
      </Panel>
      <NotificationSettings prefs={settings.notifications} />
      <AppSettings settings={settings} info={info} />
    </div>
  )
}
