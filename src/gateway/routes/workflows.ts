import {
  ErrorCode,
  ExecuteRequestSchema,
  PageQuerySchema,
  REST_PATH,
  WorkflowCreateSchema,
  WorkflowUpdateSchema
} from '@shared/protocol'
import type { ExecuteResponse } from '@shared/protocol'
import { checkExecutionInput } from '../execution-input'
import { HttpError, idParam, notFound, page, validate } from './route'
import type { Route, RouteDeps } from './route'

/** Workflows the gateway keeps at most (each is small, but memory stays bounded). */
const MAX_WORKFLOWS = 1000

/** `/workflows` and `/workflows/:id`: list, create, read, update, delete, and execute. */
export function workflowRoutes({ engine }: Pick<RouteDeps, 'engine'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/workflows',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const q = validate(PageQuerySchema, Object.fromEntries(req.query), 'query')
        return { status: 200, body: page(engine.listWorkflows(), q.limit, q.offset) }
      }
    },
    {
      method: 'POST',
      path: '/workflows',
      auth: true,
      readsBody: true,
      handle: (req) => {
        const body = validate(WorkflowCreateSchema, req.body, 'workflow')
        if (engine.listWorkflows().length >= MAX_WORKFLOWS) {
          throw new HttpError(
            422,
            ErrorCode.ValidationError,
            `workflow limit reached (${MAX_WORKFLOWS}); delete some first`
          )
        }
        const workflow = engine.createWorkflow(body, req.user?.sub)
        return {
          status: 201,
          body: workflow,
          headers: { Location: `${REST_PATH}/workflows/${encodeURIComponent(workflow.id)}` }
        }
      }
    },
    {
      method: 'GET',
      path: '/workflows/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        const workflow = engine.getWorkflow(idParam(req))
        if (!workflow) throw notFound('Workflow', idParam(req))
        return { status: 200, body: workflow }
      }
    },
    {
      method: 'PUT',
      path: '/workflows/:id',
      auth: true,
      readsBody: true,
      handle: (req) => {
        const body = validate(WorkflowUpdateSchema, req.body, 'workflow')
        const workflow = engine.updateWorkflow(idParam(req), body, req.user?.sub)
        if (!workflow) throw notFound('Workflow', idParam(req))
        return { status: 200, body: workflow }
      }
    },
    {
      method: 'DELETE',
      path: '/workflows/:id',
      auth: true,
      readsBody: false,
      handle: (req) => {
        if (!engine.deleteWorkflow(idParam(req), req.user?.sub)) {
          throw notFound('Workflow', idParam(req))
        }
        return { status: 204 }
      }
    },
    executeRoute(engine)
  ]
}

/** `POST /workflows/:id/execute`: 202 with the new execution's id and first state. */
function executeRoute(engine: RouteDeps['engine']): Route {
  return {
    method: 'POST',
    path: '/workflows/:id/execute',
    auth: true,
    readsBody: true,
    handle: (req) => {
      const id = idParam(req)
      const body = validate(ExecuteRequestSchema, req.body ?? {}, 'execute request')
      const problem = checkExecutionInput(body.input)
      if (problem) throw new HttpError(422, ErrorCode.ValidationError, problem)
      const execution = engine.startExecution(id, body.input, { triggeredBy: req.user?.sub })
      if (!execution) throw notFound('Workflow', id)
      const response: ExecuteResponse = {
        execution_id: execution.id,
        workflow_id: execution.workflow_id,
        status: execution.status,
        started_at: execution.started_at ?? new Date().toISOString(),
        input: execution.input
      }
      return {
        status: 202,
        body: response,
        headers: { Location: `${REST_PATH}/executions/${encodeURIComponent(execution.id)}` }
      }
    }
  }
}
