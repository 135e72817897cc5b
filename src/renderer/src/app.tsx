import { useEffect, useRef } from 'react'
import { BridgeLost } from './components/bridge-lost'
import { EmptyState } from './components/empty-state'
import { Icon } from './components/icon'
import { Notices } from './components/notices'
import { SideNav } from './components/side-nav'
import { StatusBar } from './components/status-bar'
import type { Route } from './lib/route'
import { navigate, useRoute } from './lib/use-route'
import { useDashboard, useStore } from './store/use-dashboard'
import { ExecutionDetailView } from './views/execution-detail-view'
import { ExecutionsView } from './views/executions-view'
import { OverviewView } from './views/overview-view'
import { SettingsView } from './views/settings-view'
import { WorkflowsView } from './views/workflows-view'

const TITLES: Record<Route['view'], string> = {
  overview: 'Overview',
  executions: 'Executions',
  execution: 'Execution',
  workflows: 'Workflows',
  settings: 'Settings'
}

/** The dashboard: status bar, view links and the current view. */
export function App() {
  const phase = useDashboard((s) => s.phase)
  if (phase === 'unavailable') return <BridgeUnavailable />
  return <Shell />
}

function Shell() {
  const route = useRoute()
  const phase = useDashboard((s) => s.phase)
  const main = useRef<HTMLElement>(null)
  useShowRequests()
  useViewFocus(route, main)
  return (
    <div className="app">
      <DocumentTitle view={route.view} />
      <button type="button" className="skip-link" onClick={() => focusHeading(main.current)}>
        Skip to content
      </button>
      <StatusBar />
      <BridgeLost />
      <div className="app__body">
        <SideNav current={route.view} />
        <main ref={main} className="main" tabIndex={-1} data-view={route.view}>
          <Notices />
          {phase === 'loading' ? (
            <EmptyState tone="loading" title="Loading the dashboard…" testId="loading" />
          ) : phase === 'failed' ? (
            <LoadFailed />
          ) : (
            <RouteView route={route} />
          )}
        </main>
      </div>
    </div>
  )
}

function RouteView({ route }: { route: Route }) {
  switch (route.view) {
    case 'overview':
      return <OverviewView />
    case 'executions':
      return <ExecutionsView filters={route.filters} />
    case 'execution':
      return (
        <ExecutionDetailView
          key={`${route.profile_id}/${route.execution_id}`}
          target={{ profile_id: route.profile_id, execution_id: route.execution_id }}
        />
      )
    case 'workflows':
      return <WorkflowsView run={route.run} />
    case 'settings':
      return <SettingsView profile={route.profile} signIn={route.signIn} />
  }
}

function LoadFailed() {
  const store = useStore()
  const error = useDashboard((s) => s.loadError)
  return (
    <EmptyState
      tone="error"
      icon="warning"
      title="The dashboard could not load its data"
      testId="load-failed"
      actions={
        <button type="button" className="btn btn--primary" onClick={() => void store.reload()}>
          <Icon name="retry" /> Try again
        </button>
      }
    >
      <p>{error}</p>
    </EmptyState>
  )
}

function BridgeUnavailable() {
  return (
    <div className="unavailable" data-testid="bridge-unavailable">
      <EmptyState icon="offline" title="Nebula Desktop is not connected to this page">
        <p>
          This page is running outside Nebula Desktop, so it has nothing to show. Open the desktop
          app, or run <code>nebula-desktop ui</code> and open the address it prints.
        </p>
      </EmptyState>
    </div>
  )
}

/** A tray or notification click opens the execution it names. */
function useShowRequests(): void {
  const store = useStore()
  const request = useDashboard((s) => s.showRequest)
  useEffect(() => {
    if (!request) return
    navigate({
      view: 'execution',
      profile_id: request.profile_id,
      execution_id: request.execution_id
    })
    store.clearShowRequest(request.nonce)
  }, [request, store])
}

/** After moving to another view (not a filter change), focus its heading. */
function useViewFocus(route: Route, main: React.RefObject<HTMLElement | null>): void {
  const key =
    route.view === 'execution' ? `execution:${route.profile_id}/${route.execution_id}` : route.view
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    // The view renders its heading in this commit; focus it on the next frame, unless the view
    // itself already put the focus somewhere inside (e.g. the token field of "Sign in again").
    const frame = requestAnimationFrame(() => {
      const active = document.activeElement
      if (active && active !== main.current && main.current?.contains(active)) return
      focusHeading(main.current)
    })
    return () => cancelAnimationFrame(frame)
  }, [key, main])
}

function focusHeading(main: HTMLElement | null): void {
  const heading = main?.querySelector<HTMLElement>('[data-view-heading]')
  ;(heading ?? main)?.focus()
}

/** The shortest time between two changes of the window title's failure count. */
const TITLE_COUNT_EVERY_MS = 1000

/**
 * The window title: the view and the unseen failures. A component of its own, so a new failure
 * re-renders only this, not the whole shell. A new view shows at once; the count changes at
 * most once a second (in a failure storm it would change every frame, and each change is work
 * for the browser or the window manager), always ending on the latest count.
 */
function DocumentTitle({ view }: { view: Route['view'] }) {
  const unseen = useDashboard((s) => s.failures.reduce((n, f) => (f.seen ? n : n + 1), 0))
  const last = useRef({ view, at: 0 })
  useEffect(() => {
    const apply = (): void => {
      document.title = `${unseen > 0 ? `(${unseen}) ` : ''}${TITLES[view]} · Nebula Desktop`
      last.current = { view, at: Date.now() }
    }
    const wait = last.current.at + TITLE_COUNT_EVERY_MS - Date.now()
    if (view !== last.current.view || wait <= 0) {
      apply()
      return
    }
    const timer = setTimeout(apply, wait)
    return () => clearTimeout(timer)
  }, [view, unseen])
  return null
}
