import { describe, expect, it } from 'vitest'
import type { NebulaConnection } from '@main/core/connection'
import { FollowAll } from '@main/core/follow-all'
import type { RestClient } from '@main/core/rest-client'
import { SubscriptionRegistry } from '@main/core/subscription-registry'
import type { Workflow } from '@shared/protocol'

// The per-workflow fallback against listings that resolve when the test says so: the races
// between a REST listing and `workflow_event`s, which real sockets hit only now and then.

function setup() {
  const sent: string[] = []
  const connection = {
    send: (m: { type: string; resource?: string; id?: string }) =>
      sent.push(`${m.type} ${m.resource}:${m.id}`)
  } as unknown as NebulaConnection
  const listings: Array<(workflows: Workflow[]) => void> = []
  const rest = {
    listWorkflows: () => new Promise<Workflow[]>((resolve) => listings.push(resolve))
  } as unknown as RestClient
  const registry = new SubscriptionRegistry(connection)
  registry.connected()
  const follow = new FollowAll(registry, rest, () => {})
  follow.start()
  // The server refuses `workflow_executions:all`: fall back, and the first listing starts.
  registry.answer(
    { kind: 'subscribe', key: 'workflow_executions:all' },
    { type: 'error', code: 'SUBSCRIPTION_FAILED', message: 'no' }
  )
  const followed = () =>
    registry
      .list()
      .filter((s) => s.resource === 'workflow_executions' && s.id !== 'all')
      .map((s) => s.id)
      .sort()
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return { registry, follow, listings, followed, settle, sent }
}

const wf = (id: string): Workflow => ({ id, name: id })

describe('FollowAll fallback', () => {
  it('keeps a workflow created while a listing was under way', async () => {
    const { follow, listings, followed, settle } = setup()
    expect(follow.strategy).toBe('per_workflow')
    expect(listings).toHaveLength(1)
    follow.onWorkflowEvent({ event_type: 'created', workflow: wf('wf_new') })
    listings[0]!([wf('wf_a')]) // listed before wf_new existed
    await settle()
    expect(followed()).toEqual(['wf_a', 'wf_new'])
  })

  it('lists again once workflows:all is confirmed, catching workflows created in between', async () => {
    const { registry, listings, followed, settle } = setup()
    listings[0]!([wf('wf_a')])
    await settle()
    // Created after the listing, before the server took workflows:all: no event ever comes.
    registry.answer(
      { kind: 'subscribe', key: 'workflows:all' },
      { type: 'subscribed', resource: 'workflows', id: 'all' }
    )
    expect(listings).toHaveLength(2)
    listings[1]!([wf('wf_a'), wf('wf_quiet')])
    await settle()
    expect(followed()).toEqual(['wf_a', 'wf_quiet'])
  })

  it('drops a workflow deleted during a gap when the next listing lacks it', async () => {
    const { registry, listings, followed, settle } = setup()
    listings[0]!([wf('wf_a'), wf('wf_gone')])
    await settle()
    registry.answer(
      { kind: 'subscribe', key: 'workflows:all' },
      { type: 'subscribed', resource: 'workflows', id: 'all' }
    )
    listings[1]!([wf('wf_a')])
    await settle()
    expect(followed()).toEqual(['wf_a'])
  })
})
