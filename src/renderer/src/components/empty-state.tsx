import type { ReactNode } from 'react'
import { Icon } from './icon'
import type { IconName } from './icon'

/** What a view shows when it has nothing (yet), could not load, or is still loading. */
export function EmptyState({
  icon = 'info',
  title,
  children,
  actions,
  tone = 'neutral',
  testId
}: {
  icon?: IconName
  title: string
  children?: ReactNode
  actions?: ReactNode
  tone?: 'neutral' | 'error' | 'loading'
  testId?: string
}) {
  return (
    <div
      className={`empty empty--${tone}`}
      data-testid={testId}
      role={tone === 'error' ? 'alert' : undefined}
    >
      {tone === 'loading' ? (
        <span className="spinner" aria-hidden="true" />
      ) : (
        <Icon name={icon} className="empty__icon" />
      )}
      <p className="empty__title">{title}</p>
      {children && <div className="empty__body">{children}</div>}
      {actions && <div className="empty__actions">{actions}</div>}
    </div>
  )
}
