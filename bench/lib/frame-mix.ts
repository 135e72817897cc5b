// The traffic the benchmarks push at the core: what a busy Nebula engine sends a client that
// follows every execution. Executions of 20 workflows run interleaved, each announced pending,
// then once per action (the list of actions growing), then terminal; a start log line and, on
// failure, an error log line. A third of the executions fail (a fifth of those time out).
// Deterministic for a seed, so every run (and the baseline) sees the same bytes.

/** How the mix is drawn. */
export interface MixOptions {
  /** Workflows the executions are spread over. */
  workflows: number
  /** Executions in flight at once (their messages interleave). */
  concurrent: number
  /** Share of executions that fail or time out. */
  failureShare: number
  seed: number
  /** Prefix of execution ids, so two streams never share an id. */
  idPrefix: string
  /** Epoch ms of the first message's timestamps; each message is 1 ms later. */
  startMs: number
}

export const DEFAULT_MIX: MixOptions = {
  workflows: 20,
  concurrent: 40,
  failureShare: 1 / 3,
  seed: 7,
  idPrefix: 'exec_',
  startMs: Date.UTC(2025, 0, 15, 10, 30)
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ACTION_NAMES = ['Validate input', 'Reserve stock', 'Charge card', 'Send receipt', 'Archive']

/** The workflow ids and names of the mix. */
export function mixWorkflows(count: number): Array<{ id: string; name: string }> {
  return Array.from({ length: count }, (_, i) => ({
    id: `wf_bench_${String(i).padStart(3, '0')}`,
    name: `Bench workflow ${i}`
  }))
}

interface Run {
  id: string
  workflow: { id: string; name: string }
  actions: number
  /** Index of the failing action, or -1. */
  failAt: number
  timedOut: boolean
  /** Next step: 0 = pending, 1..actions = action running, actions + 1 = terminal. */
  step: number
  startedAt: string
  done: object[]
}

/** Server messages (plain objects, not yet serialized) in the order a server would send them. */
export function* trafficMix(options: Partial<MixOptions> = {}): Generator<object, never> {
  const opts = { ...DEFAULT_MIX, ...options }
  const rng = seededRandom(opts.seed)
  const workflows = mixWorkflows(opts.workflows)
  let clock = opts.startMs
  let seq = 0
  const newRun = (): Run => {
    const actions = 3 + Math.floor(rng() * 3)
    const fails = rng() < opts.failureShare
    return {
      id: `${opts.idPrefix}${(seq++).toString(16).padStart(10, '0')}`,
      workflow: workflows[Math.floor(rng() * workflows.length)]!,
      actions,
      failAt: fails ? Math.floor(rng() * actions) : -1,
      timedOut: fails && rng() < 0.2,
      step: 0,
      startedAt: new Date(clock).toISOString(),
      done: []
    }
  }
  const runs = Array.from({ length: opts.concurrent }, newRun)
  for (;;) {
    const slot = Math.floor(rng() * runs.length)
    const run = runs[slot]!
    const at = new Date(clock++).toISOString()
    for (const message of advance(run, at)) yield message
    if (run.step > run.actions + 1) runs[slot] = newRun()
  }
}

/** The messages of one run's next step (an update, maybe preceded by a log line). */
function advance(run: Run, at: string): object[] {
  const base = {
    id: run.id,
    workflow_id: run.workflow.id,
    workflow_name: run.workflow.name,
    started_at: run.startedAt,
    input: { order_id: `ord_${run.id.slice(-6)}`, amount: 4999, currency: 'EUR' }
  }
  const step = run.step++
  if (step === 0) {
    return [
      log(run, at, 'info', `Execution queued for workflow '${run.workflow.name}'`, null),
      update({
        ...base,
        status: 'pending',
        completed_at: null,
        updated_at: at,
        progress: progress(0, run.actions),
        actions_executed: []
      })
    ]
  }
  const index = step - 1
  if (index > 0 && index <= run.actions) {
    // The previous action finished.
    const prev = run.done[index - 1] as Record<string, unknown>
    if (index - 1 === run.failAt) return fail(run, base, at, prev)
    Object.assign(prev, { status: 'completed', completed_at: at, duration_ms: 812 + index })
  }
  if (index < run.actions) {
    run.done.push({
      action_id: `act_${String(index + 1).padStart(3, '0')}`,
      name: ACTION_NAMES[index % ACTION_NAMES.length],
      status: 'running',
      started_at: at
    })
    return [
      update({
        ...base,
        status: 'running',
        completed_at: null,
        updated_at: at,
        progress: progress(index + 1, run.actions),
        actions_executed: run.done.map((a) => ({ ...a }))
      })
    ]
  }
  run.step = run.actions + 2
  return [
    update({
      ...base,
      status: 'completed',
      completed_at: at,
      updated_at: at,
      progress: { current_action: run.actions, total_actions: run.actions, percentage: 100 },
      actions_executed: run.done.map((a) => ({ ...a }))
    })
  ]
}

function fail(run: Run, base: object, at: string, action: Record<string, unknown>): object[] {
  const status = run.timedOut ? 'timed_out' : 'failed'
  const code = run.timedOut ? 'ACTION_TIMEOUT' : 'ACTION_FAILED'
  const message = run.timedOut
    ? `Action '${String(action.name)}' timed out after 30000ms`
    : 'Payment gateway declined the card (insufficient funds)'
  Object.assign(action, { status, completed_at: at, duration_ms: 30_000, error: { message, code } })
  run.step = run.actions + 2
  return [
    log(run, at, 'error', message, String(action.action_id)),
    update({
      ...base,
      status,
      completed_at: at,
      updated_at: at,
      progress: progress(run.failAt + 1, run.actions),
      actions_executed: run.done.map((a) => ({ ...a })),
      error: { message, action_id: action.action_id, action_name: action.name, code }
    })
  ]
}

function progress(current: number, total: number): object {
  return {
    current_action: current,
    total_actions: total,
    percentage: Math.round((current / total) * 100)
  }
}

function update(execution: object): object {
  return { type: 'execution_update', execution }
}

function log(run: Run, at: string, level: string, message: string, actionId: string | null) {
  return {
    type: 'log',
    log: {
      execution_id: run.id,
      timestamp: at,
      level,
      message,
      action_id: actionId,
      metadata: { workflow_id: run.workflow.id }
    }
  }
}

/** The first `count` messages of a mix, each serialized once (the sender only writes them). */
export function serializedMix(count: number, options: Partial<MixOptions> = {}): string[] {
  const out: string[] = []
  const mix = trafficMix(options)
  while (out.length < count) out.push(JSON.stringify(mix.next().value))
  return out
}
