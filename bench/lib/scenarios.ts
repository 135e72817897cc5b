import { mixWorkflows } from './frame-mix'

// The special streams: a storm of failures (the worst minute), and the long stream of ever-new
// executions the heap figure reads. Plus the send-time stamp latency figures ride on.

/** Lag, in executions, between an execution starting and it failing in the burst. */
const BURST_LAG = 100

const T0 = Date.UTC(2025, 0, 15, 12, 0)

function execution(id: string, workflow: { id: string; name: string }, status: string, at: number) {
  const iso = new Date(at).toISOString()
  const failed = status === 'failed' || status === 'timed_out'
  const action = {
    action_id: 'act_002',
    name: 'Charge card',
    status: failed ? status : status === 'completed' ? 'completed' : 'running',
    started_at: iso,
    ...(failed
      ? {
          completed_at: iso,
          duration_ms: 1200,
          error: { message: 'Card declined', code: 'ACTION_FAILED' }
        }
      : {})
  }
  return {
    id,
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    status,
    started_at: new Date(at - 1500).toISOString(),
    completed_at: status === 'running' ? null : iso,
    updated_at: iso,
    progress: { current_action: 2, total_actions: 3, percentage: 67 },
    actions_executed: [
      {
        action_id: 'act_001',
        name: 'Validate input',
        status: 'completed',
        started_at: iso,
        completed_at: iso,
        duration_ms: 40
      },
      action
    ],
    input: { order_id: `ord_${id.slice(-6)}` },
    ...(failed
      ? {
          error: {
            message: 'Card declined',
            action_id: 'act_002',
            action_name: 'Charge card',
            code: 'ACTION_FAILED'
          }
        }
      : {})
  }
}

/**
 * The worst minute: `executions` executions across `workflows` workflows, each announced
 * running and, a little later, failed with its error log line: 3 messages per execution.
 */
export function burstMessages(executions: number, workflows: number): object[] {
  const wfs = mixWorkflows(workflows)
  const out: object[] = []
  const failure = (i: number): void => {
    const id = `exec_burst_${i}`
    out.push({
      type: 'log',
      log: {
        execution_id: id,
        timestamp: new Date(T0 + i).toISOString(),
        level: 'error',
        message: 'Card declined',
        action_id: 'act_002'
      }
    })
    out.push({
      type: 'execution_update',
      execution: execution(id, wfs[i % workflows]!, 'failed', T0 + i + 1)
    })
  }
  for (let i = 0; i < executions; i++) {
    out.push({
      type: 'execution_update',
      execution: execution(`exec_burst_${i}`, wfs[i % workflows]!, 'running', T0 + i)
    })
    if (i >= BURST_LAG) failure(i - BURST_LAG)
  }
  for (let i = Math.max(0, executions - BURST_LAG); i < executions; i++) failure(i)
  return out
}

/** Message `n` of the heap stream: a snapshot of a never-seen execution, every third failed. */
export function heapMessage(n: number): object {
  const status = n % 3 === 0 ? 'failed' : n % 3 === 1 ? 'running' : 'completed'
  const wf = { id: `wf_bench_${String(n % 20).padStart(3, '0')}`, name: `Bench workflow ${n % 20}` }
  return { type: 'execution_update', execution: execution(`exec_heap_${n}`, wf, status, T0 + n) }
}

/** `text` (a JSON object) with its send time in front: `{"sent_us":…,` + the rest. */
export function stampedText(text: string, us: number): string {
  return `{"sent_us":${us},${text.slice(1)}`
}
