import { useId } from 'react'
import type { ReactNode } from 'react'

/** The attributes that tie a control to its label and its error message. */
export interface ControlProps {
  id: string
  'aria-invalid'?: true
  'aria-describedby'?: string
}

/** A labelled form control with its error right below it (and announced with it). */
export function Field({
  label,
  error,
  hint,
  errorTestId,
  children
}: {
  label: ReactNode
  error?: string | null
  hint?: ReactNode
  errorTestId?: string
  children: (control: ControlProps) => ReactNode
}) {
  const id = useId()
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({
        id,
        ...(error ? { 'aria-invalid': true as const } : {}),
        ...(described ? { 'aria-describedby': described } : {})
      })}
      {hint && (
        <span id={`${id}-hint`} className="field__hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error" data-testid={errorTestId}>
          {error}
        </span>
      )}
    </div>
  )
}
