import type { ReactNode } from 'react'

/**
 * A view's title row. The heading takes focus after navigation (see app.tsx), so keyboard and
 * screen reader users land at the top of the new view.
 */
export function ViewHeader({
  title,
  subtitle,
  before,
  actions
}: {
  title: ReactNode
  subtitle?: ReactNode
  before?: ReactNode
  actions?: ReactNode
}) {
  return (
    <div className="view-header">
      <div className="view-header__text">
        {before}
        <h1 className="view-header__title" tabIndex={-1} data-view-heading>
          {title}
        </h1>
        {subtitle && <div className="view-header__subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="view-header__actions">{actions}</div>}
    </div>
  )
}
