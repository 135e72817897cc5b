import type { ReactNode } from 'react'

/**
 * A panel with its heading in a head row (`actions` beside it); the section is labelled by the
 * heading, whose `id` must be unique on the page.
 */
export function Panel({
  id,
  title,
  className,
  testId,
  actions,
  children
}: {
  id: string
  title: ReactNode
  className: string
  testId: string
  actions?: ReactNode
  children: ReactNode
}) {
  return (
    <section className={`panel ${className}`} aria-labelledby={id} data-testid={testId}>
      <div className="panel__head">
        <h2 id={id} className="panel__title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  )
}
