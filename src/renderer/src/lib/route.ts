// Navigation lives in the URL fragment (`#/executions?status=failed`), so the browser's back and
// forward buttons work and a reload stays on the same view, with no router library. Fragments
// that do not start with `#/` (such as the browser transport's `#key=…`) mean the overview.

/** Filters of the executions table; empty strings mean "any". */
export interface ExecutionFilters {
  status: string
  workflow: string
  profile: string
  query: string
}

export type Route =
  | { view: 'overview' }
  | { view: 'executions'; filters: ExecutionFilters }
  | { view: 'execution'; profile_id: string; execution_id: string }
  | { view: 'workflows'; run: { profile_id: string; workflow_id: string } | null }
  | { view: 'settings'; profile: string | null; signIn: boolean }

export type ViewName = Route['view']

export const NO_FILTERS: ExecutionFilters = { status: '', workflow: '', profile: '', query: '' }

/** The route a fragment names; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  if (!hash.startsWith('#/')) return { view: 'overview' }
  const [path, search = ''] = hash.slice(2).split('?', 2)
  const parts = path.split('/').filter(Boolean).map(safeDecode)
  const params = new URLSearchParams(search)
  switch (parts[0]) {
    case 'executions':
      if (parts.length === 3) {
        return { view: 'execution', profile_id: parts[1], execution_id: parts[2] }
      }
      return {
        view: 'executions',
        filters: {
          status: params.get('status') ?? '',
          workflow: params.get('workflow') ?? '',
          profile: params.get('profile') ?? '',
          query: params.get('q') ?? ''
        }
      }
    case 'workflows': {
      const profile = params.get('profile')
      const workflow = params.get('run')
      return {
        view: 'workflows',
        run: profile && workflow ? { profile_id: profile, workflow_id: workflow } : null
      }
    }
    case 'settings':
      return { view: 'settings', profile: params.get('profile'), signIn: params.has('sign-in') }
    default:
      return { view: 'overview' }
  }
}

/** The fragment for `route` (the inverse of parseRoute). */
export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'overview':
      return '#/overview'
    case 'executions': {
      const { status, workflow, profile, query } = route.filters
      return `#/executions${query_({ status, workflow, profile, q: query })}`
    }
    case 'execution':
      return `#/executions/${encodeURIComponent(route.profile_id)}/${encodeURIComponent(route.execution_id)}`
    case 'workflows':
      return `#/workflows${query_(route.run ? { profile: route.run.profile_id, run: route.run.workflow_id } : {})}`
    case 'settings':
      return `#/settings${query_({ profile: route.profile ?? '', ...(route.signIn ? { 'sign-in': '1' } : {}) })}`
  }
}

function query_(params: Record<string, string>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value)
  const text = search.toString()
  return text ? `?${text}` : ''
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
