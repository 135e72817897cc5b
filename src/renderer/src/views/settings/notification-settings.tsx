import { useMemo, useState } from 'react'
import type { InvokeRequest, SettingsView } from '@shared/bridge'
import { Field } from '@renderer/components/field'
import { Icon } from '@renderer/components/icon'
import { SettingCheckbox } from '@renderer/components/setting-checkbox'
import { fieldError, formError } from '@renderer/lib/call'
import { useNow } from '@renderer/lib/clock'
import { formatDate, toMs } from '@renderer/lib/format'
import { useCommand } from '@renderer/lib/use-command'
import { workflowKey } from '@renderer/store/keys'
import { useManyProfiles, useProfileNames } from '@renderer/store/selectors'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
import { ErrorAlert } from '@renderer/components/error-alert'

type Prefs = SettingsView['notifications']
type Pause = NonNullable<InvokeRequest<'setNotificationPrefs'>['pause']>

/** Pause, per-workflow mute and how many single notices a minute before they are summarized. */
export function NotificationSettings({ prefs }: { prefs: Prefs }) {
  const bridge = useBridge()
  const pause = useCommand()
  const now = useNow()
  const pausedUntil = toMs(prefs.paused_until)
  const paused = !Number.isNaN(pausedUntil) && pausedUntil > now
  const setPause = (value: Pause) =>
    void pause.run(() => bridge.setNotificationPrefs({ pause: value }))
  return (
    <section
      className="panel settings-section"
      aria-labelledby="notifications-title"
      data-testid="notification-settings"
    >
      <h2 id="notifications-title" className="panel__title">
        Notifications
      </h2>
      <p className="muted">
        Every failure is recorded in the feed and the tray. Notifications are rationed: beyond the
        number below per minute, failures are summed up in one notice.
      </p>
      <div className="row" role="group" aria-label="Pause notifications">
        {paused ? (
          <>
            <span className="status status--warning" data-testid="paused-until">
              <Icon name="bellOff" /> Paused until {formatDate(pausedUntil)}
            </span>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => setPause('resume')}
              data-testid="resume-notifications"
            >
              <Icon name="bell" /> Resume
            </button>
          </>
        ) : (
          <>
            <span className="status status--ok" data-testid="paused-until">
              <Icon name="bell" /> On
            </span>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => setPause('1h')}
              data-testid="pause-1h"
            >
              Pause for 1 hour
            </button>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => setPause('tomorrow')}
              data-testid="pause-tomorrow"
            >
              Pause until tomorrow
            </button>
          </>
        )}
        <ErrorAlert message={pause.error?.message} inline />
      </div>
      <RateAndRecovery prefs={prefs} />
      <MutedWorkflows prefs={prefs} />
    </section>
  )
}

function RateAndRecovery({ prefs }: { prefs: Prefs }) {
  const bridge = useBridge()
  const save = useCommand()
  const [draft, setDraft] = useState<string | null>(null)
  const value = draft ?? String(prefs.singles_per_minute)
  const commit = async () => {
    if (draft === null) return
    const n = Number(draft)
    if (draft.trim() === '' || !Number.isInteger(n) || n < 0 || n > 20) {
      save.setError({
        code: 'invalid_request',
        field: 'singles_per_minute',
        message: 'Enter a whole number from 0 to 20.'
      })
      return
    }
    const result = await save.run(() => bridge.setNotificationPrefs({ singles_per_minute: n }))
    if (result.ok) setDraft(null)
  }
  return (
    <div className="form__grid">
      <Field
        label="Single notices per minute"
        hint="0 summarizes every failure"
        error={fieldError(save.error, 'singles_per_minute')}
        errorTestId="singles-error"
      >
        {(control) => (
          <input
            {...control}
            className="input input--narrow"
            inputMode="numeric"
            value={value}
            onChange={(event) => setDraft(event.target.value)}
            onBlur={() => void commit()}
            onKeyDown={(event) => {
              if (event.key === 'Enter') void commit()
            }}
            data-testid="singles-per-minute"
          />
        )}
      </Field>
      <SettingCheckbox
        checked={prefs.notify_recovered}
        onCommit={(next) => bridge.setNotificationPrefs({ notify_recovered: next })}
        testId="notify-recovered"
      >
        Tell me when a failing workflow has recovered
      </SettingCheckbox>
      <ErrorAlert message={formError(save.error, ['singles_per_minute'])} />
    </div>
  )
}

function MutedWorkflows({ prefs }: { prefs: Prefs }) {
  const bridge = useBridge()
  const workflows = useDashboard((s) => s.workflows)
  const names = useProfileNames()
  const many = useManyProfiles()
  const muted = useMemo(
    () => new Set(prefs.muted.map((m) => workflowKey(m.profile_id, m.workflow_id))),
    [prefs.muted]
  )
  const rows = useMemo(() => {
    const list = [...workflows.values()].map((w) => ({
      profile_id: w.profile_id,
      workflow_id: w.id,
      name: w.name || w.id
    }))
    for (const m of prefs.muted) {
      if (!workflows.has(workflowKey(m.profile_id, m.workflow_id)))
        list.push({ ...m, name: m.workflow_id })
    }
    return list.sort((a, b) => a.name.localeCompare(b.name))
  }, [workflows, prefs.muted])
  if (rows.length === 0) return null
  return (
    <fieldset className="fieldset" data-testid="muted-workflows">
      <legend>Notify about failures of</legend>
      <ul className="check-list">
        {rows.map((row) => {
          const key = workflowKey(row.profile_id, row.workflow_id)
          return (
            <li key={key}>
              <SettingCheckbox
                checked={!muted.has(key)}
                onCommit={(notify) =>
                  bridge.setNotificationPrefs({
                    mute: {
                      profile_id: row.profile_id,
                      workflow_id: row.workflow_id,
                      muted: !notify
                    }
                  })
                }
                testId="workflow-notify"
                workflowId={row.workflow_id}
              >
                {row.name}
                {many && (
                  <span className="muted"> · {names.get(row.profile_id) ?? row.profile_id}</span>
                )}
                {muted.has(key) && (
                  <span className="tag">
                    <Icon name="bellOff" /> Muted
                  </span>
                )}
              </SettingCheckbox>
            </li>
          )
        })}
      </ul>
    </fieldset>
  )
}
