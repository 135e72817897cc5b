import { ExecutionQuerySchema } from '@shared/protocol'
import { idParam, notFound, page, validate } from './route'
import type { Route, RouteDeps } from './route'

/** `/executions`: list, read, cancel, and logs; bodies in the gateway's wire shapes. */
export function executionRoutes({ engine, shapes }: Pick<RouteDeps, 'engine' | 'shapes'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/executions',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const q = validate(ExecutionQuerySchema, Object.fromEntries(req.query), 'query')
        const all = engine.listExecutions({ workflowId: q.workflow_id, status: q.status })
        return { status: 200, body: page(all.map(shapes.execution), q.limit, q.offset) }
      }
    },
    {
      method: 'GET',
      path: '/executions/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const execution = engine.getExecution(idParam(req))
        if (!execution) throw notFound('Execution', idParam(req))
        return { status: 200, body: shapes.execution(execution) }
      }
    },
    {
      method: 'DELETE',
      path: '/executions/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const execution = engine.cancelExecution(idParam(req))
        if (!execution) throw notFound('Execution', idParam(req))
        return { status: 200, body: shapes.execution(execution) }
      }
    },
    {
      method: 'GET',
      path: '/executions/:id/logs',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const logs = engine.getLogs(idParam(req))
        if (!logs) throw notFound('Execution', idParam(req))
        return { status: 200, body: { data: logs.map(shapes.log) } }
      }
    }
  ]
}
