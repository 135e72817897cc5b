import { bench, describe } from 'vitest'
import { ExecutionStore } from '@main/core/execution-store'

// The store must stay bounded and cheap under a long day of traffic: 2000 executions retained,
// updates O(1). Memory: see bench/README.md for the heap check.

const statuses = ['running', 'running', 'running', 'completed', 'failed']

describe('ExecutionStore', () => {
  const store = new ExecutionStore()
  let n = 0
  bench('upsert (10k distinct executions, bounded at 2000)', () => {
    const id = `exec_${n++ % 10_000}`
    store.upsertExecution({ id, workflow_id: 'wf', status: statuses[n % statuses.length]! })
  })
  bench('addLog (ring of 200 per execution)', () => {
    store.addLog({
      execution_id: `exec_${n++ % 100}`,
      timestamp: '2025-01-15T10:30:04.123Z',
      level: 'info',
      message: 'Initiating payment gateway connection'
    })
  })
})
