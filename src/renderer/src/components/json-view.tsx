import { useMemo } from 'react'

/** A JSON value, pretty-printed, inside a collapsible <details> (open by default when small). */
export function JsonView({
  title,
  value,
  openByDefault,
  testId
}: {
  title: string
  value: unknown
  openByDefault?: boolean
  testId?: string
}) {
  const text = useMemo(() => stringify(value), [value])
  const lines = text.split('\n').length
  return (
    <details className="json" open={openByDefault ?? lines <= 12} data-testid={testId}>
      <summary className="json__summary">
        {title}
        <span className="json__meta">
          {value === undefined ? 'none' : `${lines} ${lines === 1 ? 'line' : 'lines'}`}
        </span>
      </summary>
      {value === undefined ? (
        <p className="json__none">Nothing recorded.</p>
      ) : (
        <pre className="json__body" tabIndex={0}>
          <code>{text}</code>
        </pre>
      )}
    </details>
  )
}

function stringify(value: unknown): string {
  if (value === undefined) return ''
  try {
    return JSON.stringify(value, null, 2) ?? String(value)
  } catch {
    return String(value)
  }
}
