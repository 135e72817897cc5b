import { authRoutes } from './auth'
import { executionRoutes } from './executions'
import { healthRoutes } from './health'
import type { Route, RouteDeps } from './route'
import { workflowRoutes } from './workflows'

export { HttpError } from './route'
export type { RestResponse, Route } from './route'

/** The REST API under /api/v1 (see docs/PROTOCOL.md), one table per resource. */
export function createRoutes(deps: RouteDeps): Route[] {
  return [
    ...healthRoutes(deps),
    ...authRoutes(deps),
    ...workflowRoutes(deps),
    ...executionRoutes(deps)
  ]
}
