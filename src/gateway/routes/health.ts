import type { Health } from '@shared/protocol'
import type { Route, RouteDeps } from './route'

/** `GET /health`: unauthenticated liveness with the gateway's version. */
export function healthRoutes(deps: Pick<RouteDeps, 'version' | 'startedAtMs'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/health',
      auth: false,
      readsBody: false,
      handle: () => {
        const body: Health = {
          status: 'ok',
          version: deps.version,
          uptime_s: Math.floor((Date.now() - deps.startedAtMs) / 1000)
        }
        return { status: 200, body }
      }
    }
  ]
}
