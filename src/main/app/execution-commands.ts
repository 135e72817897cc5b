import { CommandError } from '@main/core/command-queue'
import { RestError } from '@main/core/rest-client'
import type { InvokeResponse, ParsedRequest } from '@shared/bridge/contract'
import type { BridgeHandlers } from './bridge-host'
import { BridgeFailure } from './bridge-failure'
import { requireRuntime } from './app-context'
import type { AppContext } from './app-context'
import { cancelExecution, fetchExecutionLogs } from './rest-extras'
import { toExecutionView } from './view-mapping'
import { resolveServerEndpoints } from '@main/core/server-url'
import type { ProfileRuntime } from './profile-sessions'
import type { ExecutionSubscriber } from './log-follows'
import { Resource } from '@shared/protocol'
import type { LogEntry } from '@shared/protocol'

// Commands about executions: run, cancel, read, page through history, follow logs.

type ExecutionHandlers = Pick<
  BridgeHandlers,
  | 'executeWorkflow'
  | 'cancelExecution'
  | 'getExecution'
  | 'listExecutions'
  | 'followLogs'
  | 'unfollowLogs'
>

const restBaseOf = (runtime: ProfileRuntime): string =>
  runtime.session?.connection.endpoints.restBase ??
  resolveServerEndpoints(runtime.settings.server_url).restBase

/** The handlers of the execution commands. */
export function executionCommands(context: AppContext): ExecutionHandlers {
  return {
    async executeWorkflow({ profile_id, workflow_id, input }) {
      const session = requireSession(context, profile_id)
      try {
        const execution = await session.executeWorkflow(workflow_id, input)
        return context.recordExecution(profile_id, execution)
      } catch (error) {
        if (error instanceof CommandError) {
          if (error.code === 'NOT_FOUND')
            throw new BridgeFailure('not_found', error.message, 'workflow_id')
          if (error.code === 'VALIDATION_ERROR')
            throw new BridgeFailure('invalid_request', error.message, 'input')
        }
        throw error
      }
    },

    async cancelExecution({ profile_id, execution_id }) {
      const runtime = requireRuntime(context, profile_id)
      try {
        const execution = await cancelExecution(restBaseOf(runtime), runtime.getToken, execution_id)
        return context.recordExecution(profile_id, execution)
      } catch (error) {
        throw notFoundAs(error, 'execution_id')
      }
    },

    async getExecution({ profile_id, execution_id }) {
      const runtime = context.sessions.get(profile_id)
      const kept = () => runtime?.session?.store.getExecution(execution_id) ?? undefined
      if (runtime?.session) {
        try {
          const execution = await runtime.session.rest.getExecution(execution_id)
          if (execution) return context.recordExecution(profile_id, execution)
          throw new BridgeFailure(
            'not_found',
            `the server has no execution "${execution_id}"`,
            'execution_id'
          )
        } catch (error) {
          // Offline or refused: what this run knows is better than nothing.
          if (error instanceof BridgeFailure) throw error
          const known = kept()
          if (known) return toExecutionView(profile_id, known)
          const recent = context.executions.get(profile_id, execution_id)
          if (recent) return recent
          throw error
        }
      }
      const recent = context.executions.get(profile_id, execution_id)
      if (recent) return recent
      requireRuntime(context, profile_id)
      throw new BridgeFailure('not_found', `no execution "${execution_id}"`, 'execution_id')
    },

    async listExecutions({ profile_id, status, workflow_id, offset, limit }) {
      const session = requireSession(context, profile_id)
      const page = await session.rest.listExecutions({
        ...(status ? { status } : {}),
        ...(workflow_id ? { workflowId: workflow_id } : {}),
        offset,
        limit
      })
      return {
        executions: page.data.map((execution) => toExecutionView(profile_id, execution)),
        has_more: page.hasMore,
        ...(page.total !== undefined ? { total: page.total } : {})
      }
    },

    followLogs: (request) => followLogs(context, request),

    unfollowLogs({ profile_id, execution_id }) {
      context.logs.unfollow(profile_id, execution_id)
      return null
    }
  }
}

/** Starts following an execution's logs: the lines kept so far, then live ones as events. */
async function followLogs(
  context: AppContext,
  { profile_id, execution_id }: ParsedRequest<'followLogs'>
): Promise<InvokeResponse<'followLogs'>> {
  const runtime = requireRuntime(context, profile_id)
  const subscribe: ExecutionSubscriber = (id) =>
    runtime.session?.subscriptions.add(Resource.Execution, id)
  const retained = runtime.session?.store.logsOf(execution_id) ?? []
  if (retained.length > 0 || context.logs.countOf(profile_id, execution_id) > 0) {
    return context.logs.follow(profile_id, execution_id, retained, subscribe)
  }
  // Nothing seen this run (history, or before the app started): the server's log, where it
  // offers one; live lines that arrive meanwhile are merged into the answer.
  context.logs.beginFetch(profile_id, execution_id, subscribe)
  let fetched: LogEntry[] = []
  try {
    fetched = await fetchExecutionLogs(restBaseOf(runtime), runtime.getToken, execution_id)
  } catch (error) {
    if (!(error instanceof RestError && (error.status === 404 || error.status === 405))) {
      context.logs.unfollow(profile_id, execution_id)
      throw error
    }
  }
  const { lines, truncated, merged } = context.logs.finishFetch(profile_id, execution_id, fetched)
  runtime.session?.store.replaceLogs(execution_id, merged)
  return { lines, truncated }
}

function requireSession(context: AppContext, profileId: string) {
  const runtime = requireRuntime(context, profileId)
  if (!runtime.session) {
    throw new BridgeFailure(
      'offline',
      `profile "${profileId}" could not start: ${runtime.state.reason ?? 'unknown reason'}`,
      'profile_id'
    )
  }
  return runtime.session
}

function notFoundAs(error: unknown, field: string): unknown {
  if (error instanceof RestError && error.status === 404) {
    return new BridgeFailure('not_found', error.message, field)
  }
  return error
}
