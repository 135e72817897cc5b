import type { ConnectionTest, ProfileView } from '@shared/bridge'
import { Field } from '@renderer/components/field'
import { Icon } from '@renderer/components/icon'
import { fieldError, formError } from '@renderer/lib/call'
import { useProfileForm } from './use-profile-form'
import type { ProfileValues } from './use-profile-form'
import { ErrorAlert } from '@renderer/components/error-alert'

/** Add a server profile (no `profile`) or edit one; errors appear next to their field. */
export function ProfileForm({
  profile,
  onDone
}: {
  profile: ProfileView | null
  onDone: (saved: boolean) => void
}) {
  const form = useProfileForm(profile, () => onDone(true))
  const otherError = formError(form.error, ['name', 'server_url'])
  return (
    <form
      className="form"
      aria-label={profile ? `Edit ${profile.name}` : 'Add a server profile'}
      onSubmit={(event) => {
        event.preventDefault()
        void form.submit()
      }}
      data-testid="profile-form"
    >
      <ProfileFields
        values={form.values}
        set={form.set}
        nameError={fieldError(form.error, 'name')}
        urlError={fieldError(form.error, 'server_url')}
      />
      <ErrorAlert message={otherError} testId="profile-form-error" />
      {form.tested && <TestResult result={form.tested} />}
      <div className="form__actions">
        <button
          type="button"
          className="btn"
          onClick={() => void form.test()}
          disabled={form.testing}
          data-testid="test-connection"
        >
          {form.testing ? 'Testing…' : 'Test connection'}
        </button>
        <span className="spacer" />
        <button type="button" className="btn btn--ghost" onClick={() => onDone(false)}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={form.saving}
          data-testid="profile-save"
        >
          {profile ? 'Save' : 'Add profile'}
        </button>
      </div>
    </form>
  )
}

function ProfileFields({
  values,
  set,
  nameError,
  urlError
}: {
  values: ProfileValues
  set: (change: Partial<ProfileValues>) => void
  nameError: string | null
  urlError: string | null
}) {
  return (
    <>
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
              <option value="query">In the address (?token=)</option>
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
    </>
  )
}

function TestResult({ result }: { result: ConnectionTest }) {
  return (
    <p
      className={`hint ${result.ok ? 'hint--ok' : 'hint--warning'}`}
      role="status"
      data-testid="test-result"
    >
      <Icon name={result.ok ? 'ok' : 'warning'} /> {result.ok ? 'Connected' : 'Failed'}:{' '}
      {result.message}
      {result.latency_ms !== undefined && ` (${Math.round(result.latency_ms)} ms)`}
    </p>
  )
}
