import { useState } from 'react'
import type { ConnectionTest, ProfileView } from '@shared/bridge'
import { Field } from '@renderer/components/field'
import { Icon } from '@renderer/components/icon'
import { fieldError, formError } from '@renderer/lib/call'
import { useCommand } from '@renderer/lib/use-command'
import { useBridge } from '@renderer/store/use-dashboard'

/** Add a server profile (no `profile`) or edit one; errors appear next to their field. */
export function ProfileForm({
  profile,
  onDone
}: {
  profile: ProfileView | null
  onDone: (saved: boolean) => void
}) {
  const bridge = useBridge()
  const save = useCommand()
  const test = useCommand()
  const [testResult, setTestResult] = useState<ConnectionTest | null>(null)
  const [values, setValues] = useState({
    name: profile?.name ?? '',
    server_url: profile?.server_url ?? '',
    enabled: profile?.enabled ?? true,
    auth_method: profile?.auth_method ?? 'query',
    allow_insecure: profile?.allow_insecure ?? false
  })
  const set = (change: Partial<typeof values>) => setValues((v) => ({ ...v, ...change }))
  const error = save.error ?? test.error
  const nameError = fieldError(error, 'name')
  const urlError = fieldError(error, 'server_url')
  const otherError = formError(error, ['name', 'server_url'])

  const submit = async () => {
    const result = await save.run(() =>
      bridge.saveProfile({ profile: { ...values, ...(profile ? { id: profile.id } : {}) } })
    )
    if (result.ok) onDone(true)
  }
  const runTest = async () => {
    setTestResult(null)
    const result = await test.run(() =>
      bridge.testConnection({
        server_url: values.server_url,
        allow_insecure: values.allow_insecure,
        ...(profile ? { profile_id: profile.id } : {})
      })
    )
    if (result.ok) setTestResult(result.value)
  }

  return (
    <form
      className="form"
      aria-label={profile ? `Edit ${profile.name}` : 'Add a server profile'}
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
      data-testid="profile-form"
    >
      <div className="form__grid">
        <Field label="Name" error={nameError} errorTestId="profile-name-error">
          {(control) => (
            <input
              {...control}
              className="input"
              value={values.name}
              onChange={(event) => set({ name: event.target.value })}
              placeholder="Production"
              data-testid="profile-name"
              autoFocus
            />
          )}
        </Field>
        <Field label="Server address" error={urlError} errorTestId="profile-url-error">
          {(control) => (
            <input
              {...control}
              className="input mono"
              value={values.server_url}
              onChange={(event) => set({ server_url: event.target.value })}
              placeholder="https://nebula.example.com"
              spellCheck={false}
              data-testid="profile-url"
            />
          )}
        </Field>
        <Field label="Send the token">
          {(control) => (
            <select
              {...control}
              className="select"
              value={values.auth_method}
              onChange={(event) => set({ auth_method: event.target.value as 'query' | 'message' })}
            >
              <option value="query">In the address (?token=, the documented way)</option>
              <option value="message">In an authenticate message</option>
            </select>
          )}
        </Field>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={values.enabled}
          onChange={(event) => set({ enabled: event.target.checked })}
        />
        Watch this server
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={values.allow_insecure}
          onChange={(event) => set({ allow_insecure: event.target.checked })}
        />
        Allow an unencrypted connection (http/ws) to a server that is not on this machine
      </label>
      {values.allow_insecure && (
        <p className="hint hint--warning">
          <Icon name="warning" /> The token would travel in clear text: use this only on a network
          you trust.
        </p>
      )}
      {otherError && (
        <p className="field-error" role="alert" data-testid="profile-form-error">
          {otherError}
        </p>
      )}
      {testResult && (
        <p
          className={`hint ${testResult.ok ? 'hint--ok' : 'hint--warning'}`}
          role="status"
          data-testid="test-result"
        >
          <Icon name={testResult.ok ? 'ok' : 'warning'} /> {testResult.ok ? 'Connected' : 'Failed'}:{' '}
          {testResult.message}
          {testResult.latency_ms !== undefined && ` (${Math.round(testResult.latency_ms)} ms)`}
        </p>
      )}
      <div className="form__actions">
        <button
          type="button"
          className="btn"
          onClick={() => void runTest()}
          disabled={test.pending}
          data-testid="test-connection"
        >
          {test.pending ? 'Testing…' : 'Test connection'}
        </button>
        <span className="spacer" />
        <button type="button" className="btn btn--ghost" onClick={() => onDone(false)}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={save.pending}
          data-testid="profile-save"
        >
          {profile ? 'Save' : 'Add profile'}
        </button>
      </div>
    </form>
  )
}
