import { describe, expect, it } from 'vitest'
import { AnswerCorrelator, kindsForErrorCode } from '@main/core/answer-correlator'
import type { ClientMessage, ServerMessage } from '@shared/protocol'

// In-order correlation: a server that echoes nothing (the document's dialect) still has each
// answer tied to the request it answers, because answers come in the order requests were sent.

const sub = (resource: string, id: string, request_id?: string): ClientMessage => ({
  type: 'subscribe',
  resource,
  id,
  ...(request_id ? { request_id } : {})
})
const error = (code: string, extra: Partial<ServerMessage> = {}): ServerMessage =>
  ({ type: 'error', code, message: 'no', ...extra }) as ServerMessage

function sent(...messages: ClientMessage[]): AnswerCorrelator {
  const correlator = new AnswerCorrelator()
  for (const message of messages) correlator.sent(message)
  return correlator
}

describe('AnswerCorrelator', () => {
  it('ties a bare SUBSCRIPTION_FAILED to the oldest subscription waiting', () => {
    const c = sent(sub('workflow_executions', 'all', 'sub-1'), sub('workflows', 'all', 'sub-2'))
    const answer = c.match(error('SUBSCRIPTION_FAILED'))
    expect(answer).toEqual({
      request: { kind: 'subscribe', key: 'workflow_executions:all', requestId: 'sub-1' },
      byFields: false
    })
    expect(c.match({ type: 'subscribed', resource: 'workflows', id: 'all' })?.request.key).toBe(
      'workflows:all'
    )
    expect(c.waiting).toEqual([])
  })

  it('prefers correlation fields: request_id, then resource and id', () => {
    const c = sent(sub('workflows', 'all', 'sub-1'), sub('execution', 'e1', 'sub-2'))
    expect(c.match(error('NOT_FOUND', { request_id: 'sub-2' }))?.request.key).toBe('execution:e1')
    // sub-1 was sent before sub-2, so its answer came (or never will): nothing waits now.
    expect(c.waiting).toEqual([])
    // A late answer that names its request by id is still about that request.
    expect(c.match({ type: 'subscribed', request_id: 'sub-1' } as ServerMessage)).toEqual({
      request: { kind: 'subscribe', key: 'workflows:all', requestId: 'sub-1' },
      byFields: true
    })
    const d = sent(sub('workflows', 'all'), sub('execution', 'e1'))
    const byKey = d.match(error('SUBSCRIPTION_FAILED', { resource: 'execution', id: 'e1' }))
    expect(byKey).toEqual({ request: { kind: 'subscribe', key: 'execution:e1' }, byFields: true })
  })

  it('never reads a rate-limit error for a ping as a refused subscription sent after it', () => {
    const c = sent({ type: 'ping' }, sub('workflow_executions', 'wf_a'))
    expect(c.match(error('RATE_LIMIT_EXCEEDED'))?.request.kind).toBe('ping')
    expect(
      c.match({ type: 'subscribed', resource: 'workflow_executions', id: 'wf_a' })
    ).toMatchObject({ request: { kind: 'subscribe', key: 'workflow_executions:wf_a' } })
  })

  it('never gives a subscription-only error to a command or a ping', () => {
    const c = sent(
      { type: 'ping' },
      { type: 'execute_workflow', workflow_id: 'wf_a', request_id: 'cmd-1' },
      sub('workflow_executions', 'all')
    )
    expect(c.match(error('SUBSCRIPTION_FAILED'))?.request.key).toBe('workflow_executions:all')
    expect(kindsForErrorCode('INVALID_RESOURCE')).toEqual(['subscribe', 'unsubscribe'])
  })

  it('gives NOT_FOUND to the oldest subscribe or command, skipping pings', () => {
    const c = sent(
      { type: 'ping' },
      { type: 'execute_workflow', workflow_id: 'wf_gone', request_id: 'cmd-1' },
      sub('workflows', 'all')
    )
    expect(c.match(error('NOT_FOUND'))?.request).toEqual({
      kind: 'execute_workflow',
      workflowId: 'wf_gone',
      requestId: 'cmd-1'
    })
    expect(c.waiting.map((r) => r.kind)).toEqual(['subscribe'])
  })

  it('takes the first new execution of the workflow as a bare answer to execute_workflow', () => {
    const c = sent({ type: 'execute_workflow', workflow_id: 'wf_a', request_id: 'cmd-1' })
    const update = (workflow_id: string, id: string): ServerMessage => ({
      type: 'execution_update',
      execution: { id, workflow_id, status: 'pending' }
    })
    expect(c.match(update('wf_b', 'e1'), true)).toBeUndefined() // another workflow's push
    expect(c.match(update('wf_a', 'e0'), false)).toBeUndefined() // an execution seen before
    expect(c.match(update('wf_a', 'e2'), true)?.request.requestId).toBe('cmd-1')
  })

  it('answers pongs in order and forgets everything on a new socket', () => {
    const c = sent({ type: 'ping' }, { type: 'ping' })
    expect(c.match({ type: 'pong' })?.request.kind).toBe('ping')
    expect(c.waiting).toHaveLength(1)
    c.reset()
    expect(c.waiting).toEqual([])
    expect(c.match(error('SUBSCRIPTION_FAILED'))).toBeUndefined()
  })
})
