import { useMemo } from 'react'
import type { Route, ViewName } from '@renderer/lib/route'
import { NO_FILTERS } from '@renderer/lib/route'
import { isActiveStatus } from '@renderer/lib/format'
import { hrefOf } from '@renderer/lib/use-route'
import { useDashboard } from '@renderer/store/use-dashboard'
import { Icon } from './icon'
import type { IconName } from './icon'

const ITEMS: Array<{ view: ViewName; label: string; icon: IconName; route: Route }> = [
  { view: 'overview', label: 'Overview', icon: 'home', route: { view: 'overview' } },
  {
    view: 'executions',
    label: 'Executions',
    icon: 'list',
    route: { view: 'executions', filters: NO_FILTERS }
  },
  {
    view: 'workflows',
    label: 'Workflows',
    icon: 'workflow',
    route: { view: 'workflows', run: null }
  },
  {
    view: 'settings',
    label: 'Settings',
    icon: 'settings',
    route: { view: 'settings', profile: null, signIn: false }
  }
]

/** The view links, with the unseen failure and running counts beside them. */
export function SideNav({ current }: { current: ViewName }) {
  const failures = useDashboard((s) => s.failures)
  const executions = useDashboard((s) => s.executions)
  const unseen = useMemo(() => failures.filter((f) => !f.seen).length, [failures])
  const running = useMemo(() => {
    let n = 0
    for (const e of executions.values()) if (isActiveStatus(e.status)) n++
    return n
  }, [executions])
  const active = current === 'execution' ? 'executions' : current
  return (
    <nav className="sidenav" aria-label="Views">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.view}>
            <a
              className="sidenav__link"
              href={hrefOf(item.route)}
              aria-current={active === item.view ? 'page' : undefined}
              data-testid={`nav-${item.view}`}
            >
              <Icon name={item.icon} />
              <span className="sidenav__label">{item.label}</span>
              {item.view === 'overview' && unseen > 0 && (
                <span className="count count--failed" data-testid="nav-unseen">
                  {unseen}
                  <span className="visually-hidden">
                    {' '}
                    unseen {unseen === 1 ? 'failure' : 'failures'}
                  </span>
                </span>
              )}
              {item.view === 'executions' && running > 0 && (
                <span className="count">
                  {running}
                  <span className="visually-hidden"> running</span>
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
