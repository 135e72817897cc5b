import { bench, describe } from 'vitest'
import { decodeServerFrame } from '@shared/protocol'

// Every inbound frame goes through this; the target is well over 50k frames/s on one core,
// so a burst of a few thousand updates costs the main process milliseconds, not seconds.

const update = JSON.stringify({
  type: 'execution_update',
  execution: {
    id: 'exec_abc123',
    workflow_id: 'wf_order_processing',
    status: 'running',
    started_at: '2025-01-15T10:30:00Z',
    progress: { current_action: 3, total_actions: 10, percentage: 30 },
    actions_executed: Array.from({ length: 3 }, (_, i) => ({
      action_id: `act_00${i}`,
      name: `Action ${i}`,
      status: 'completed',
      started_at: '2025-01-15T10:30:01Z',
      completed_at: '2025-01-15T10:30:02Z',
      duration_ms: 1250,
      result: { ok: true }
    }))
  }
})
const batch = `{"type":"batch","messages":[${Array(50).fill(update).join(',')}]}`
const garbage = '{"type":"execution_update","execution":{"id":1}}'

describe('decodeServerFrame', () => {
  bench('execution_update', () => {
    decodeServerFrame(update)
  })
  bench('batch of 50 updates', () => {
    decodeServerFrame(batch)
  })
  bench('invalid frame', () => {
    decodeServerFrame(garbage)
  })
})
