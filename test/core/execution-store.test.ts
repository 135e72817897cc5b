import { describe, expect, it } from 'vitest'
import { ExecutionStore } from '@main/core/execution-store'
import type { Execution } from '@shared/protocol'

// The store directly (it was only benchmarked): one transition per status change however often
// a snapshot repeats, no step backwards from a stale snapshot, and bounded memory that evicts
// finished executions before open ones.

const exec = (id: string, status: string, extra: Partial<Execution> = {}): Execution => ({
  id,
  workflow_id: 'wf',
  status,
  ...extra
})

describe('ExecutionStore', () => {
  it('reports each status change once, whatever repeats', () => {
    const store = new ExecutionStore()
    expect(store.upsertExecution(exec('e1', 'running'))).toMatchObject({
      from: null,
      to: 'running'
    })
    expect(store.upsertExecution(exec('e1', 'running', { progress: undefined }))).toBeNull()
    expect(store.upsertExecution(exec('e1', 'failed'))).toMatchObject({
      from: 'running',
      to: 'failed'
    })
    expect(store.upsertExecution(exec('e1', 'failed'))).toBeNull()
    expect(store.openExecutionIds()).toEqual([])
  })

  it('never moves back: a terminal execution stays terminal, an older snapshot is ignored', () => {
    const store = new ExecutionStore()
    store.upsertExecution(exec('e1', 'failed', { updated_at: '2026-01-01T10:00:05Z' }))
    expect(store.upsertExecution(exec('e1', 'running'))).toBeNull()
    expect(store.getExecution('e1')?.status).toBe('failed')
    store.upsertExecution(exec('e2', 'running', { updated_at: '2026-01-01T10:00:05Z' }))
    expect(
      store.upsertExecution(exec('e2', 'pending', { updated_at: '2026-01-01T10:00:01Z' }))
    ).toBeNull()
    expect(store.getExecution('e2')?.status).toBe('running')
    // Merged, not replaced: what a minimal update leaves out is kept.
    store.upsertExecution(exec('e3', 'running', { workflow_name: 'Named' }))
    store.upsertExecution(exec('e3', 'completed'))
    expect(store.getExecution('e3')).toMatchObject({ status: 'completed', workflow_name: 'Named' })
  })

  it('stays bounded, evicting the oldest finished executions (and their logs) first', () => {
    const store = new ExecutionStore({ maxExecutions: 10, maxLogsPerExecution: 3 })
    store.upsertExecution(exec('open-0', 'running'))
    for (let i = 1; i <= 10; i++) store.upsertExecution(exec(`done-${i}`, 'completed'))
    store.addLog({ execution_id: 'done-1', message: 'a' })
    expect(store.size().executions).toBe(11 - 2) // over 10: evicted down to 9 in one pass
    expect(store.getExecution('open-0')?.status).toBe('running')
    expect(store.getExecution('done-1')).toBeUndefined()
    expect(store.getExecution('done-2')).toBeUndefined()
    expect(store.getExecution('done-10')).toBeDefined()
    for (let i = 0; i < 5; i++) store.addLog({ execution_id: 'open-0', message: `line ${i}` })
    expect(store.logsOf('open-0').map((l) => l.message)).toEqual(['line 2', 'line 3', 'line 4'])
  })

  it('evicts open executions too when nothing else is left (memory stays bounded)', () => {
    const store = new ExecutionStore({ maxExecutions: 5 })
    for (let i = 0; i < 50; i++) store.upsertExecution(exec(`open-${i}`, 'running'))
    expect(store.size().executions).toBeLessThanOrEqual(5)
    expect(store.getExecution('open-49')).toBeDefined()
  })

  it('names workflows from definitions, then from executions, then by id', () => {
    const store = new ExecutionStore()
    expect(store.workflowName('wf', exec('e', 'running', { workflow_name: 'From update' }))).toBe(
      'From update'
    )
    store.upsertWorkflow({ id: 'wf', name: 'Defined' })
    expect(store.workflowName('wf', exec('e', 'running', { workflow_name: 'From update' }))).toBe(
      'Defined'
    )
    store.removeWorkflow('wf')
    expect(store.workflowName('wf')).toBe('wf')
  })
})
