import { useEffect, useRef } from 'react'
import type { RefObject } from 'react'
import type { ProfileView, TokenInfo } from '@shared/bridge'
import { Field } from '@renderer/components/field'
import { Icon } from '@renderer/components/icon'
import { describeFailure, fieldError, formError } from '@renderer/lib/call'
import { formatDate, toMs } from '@renderer/lib/format'
import { useCommand } from '@renderer/lib/use-command'
import { useBridge } from '@renderer/store/use-dashboard'
import { ErrorAlert } from '@renderer/components/error-alert'

/**
 * Sign in with a token. The field is uncontrolled and masked, so the token never lands in React
 * state or a DOM attribute; it is cleared once main has stored it. Nothing ever shows it back:
 * only whether one is present, its subject and its expiry.
 */
export function SignInForm({
  profile,
  focus,
  onSignedIn,
  onCancel
}: {
  profile: ProfileView
  focus: boolean
  onSignedIn: () => void
  onCancel?: () => void
}) {
  const bridge = useBridge()
  const signIn = useCommand()
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (focus) input.current?.focus()
  }, [focus])

  const submit = async () => {
    const field = input.current
    if (!field) return
    const token = field.value
    const result = await signIn.run(() => bridge.signIn({ profile_id: profile.id, token }))
    if (!result.ok) return
    if (input.current) input.current.value = ''
    onSignedIn()
  }
  const error = signIn.error
  const tokenError = fieldError(error, 'token')
  const otherError = formError(error, ['token'])

  return (
    <form
      className="form form--inline sign-in"
      aria-label={`Sign in to ${profile.name}`}
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
      data-testid="sign-in-form"
    >
      <TokenFacts token={profile.token} />
      <TokenField
        ref={input}
        label={profile.token.present ? 'Replace the token' : 'Token'}
        error={tokenError}
      />
      <div className="form__actions">
        <button
          type="submit"
          className="btn btn--primary"
          disabled={signIn.pending}
          data-testid="sign-in-submit"
        >
          <Icon name="key" /> {signIn.pending ? 'Signing in…' : 'Sign in'}
        </button>
        {onCancel && (
          <button type="button" className="btn btn--ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
        {profile.token.present && profile.token.storage !== 'minted' && (
          <SignOutButton profileId={profile.id} />
        )}
      </div>
      <ErrorAlert message={otherError} testId="sign-in-error" />
    </form>
  )
}

function SignOutButton({ profileId }: { profileId: string }) {
  const bridge = useBridge()
  const signOut = useCommand()
  return (
    <>
      <button
        type="button"
        className="btn btn--ghost"
        disabled={signOut.pending}
        onClick={() => void signOut.run(() => bridge.signOut({ profile_id: profileId }))}
        data-testid="sign-out"
      >
        Sign out
      </button>
      <ErrorAlert message={signOut.error && describeFailure(signOut.error)} inline />
    </>
  )
}

/** The masked, uncontrolled token field (its value never goes through React state). */
function TokenField({
  ref,
  label,
  error
}: {
  ref: RefObject<HTMLInputElement | null>
  label: string
  error: string | null
}) {
  return (
    <Field label={label} error={error} errorTestId="token-error">
      {(control) => (
        <input
          {...control}
          ref={ref}
          type="password"
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          placeholder="Paste a token"
          data-testid="token-input"
        />
      )}
    </Field>
  )
}

/** Present or absent, where it is kept, whose it is and when it expires; never the token. */
export function TokenFacts({ token }: { token: TokenInfo }) {
  if (!token.present) {
    return (
      <p className="token token--absent" data-testid="token-facts">
        <Icon name="key" /> No token stored
      </p>
    )
  }
  const expires = toMs(token.expires_at)
  return (
    <p className={`token${token.expired ? ' token--expired' : ''}`} data-testid="token-facts">
      <Icon name={token.expired ? 'warning' : 'ok'} />
      <span>
        {token.expired ? 'Token expired' : 'Token stored'}
        {token.storage === 'keychain' && ' in the system keychain'}
        {token.storage === 'memory' && ' for this run only (no keychain)'}
        {token.storage === 'minted' && ' (minted for local dev mode)'}
      </span>
      {token.subject && (
        <span>
          · subject <span className="mono">{token.subject}</span>
        </span>
      )}
      {!Number.isNaN(expires) && (
        <span className={token.expiring_soon ? 'token__soon' : undefined}>
          · {token.expired ? 'expired' : 'expires'} {formatDate(expires)}
          {token.expiring_soon && !token.expired ? ' (soon)' : ''}
        </span>
      )}
    </p>
  )
}
