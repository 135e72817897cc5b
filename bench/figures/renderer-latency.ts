import { countPageBusy, startDashboardRig, startPageProfile } from '../lib/dashboard-browser'
import { percentile, round } from '../lib/stats'
import type { ExecutionView } from '@shared/bridge'
import type { FigureModule } from './figure'

// Send to the DOM showing it, in the real dashboard: the sender writes the mix (bench/lib/
// frame-mix.ts: execution updates and log lines of 40 executions in flight) at 2,000 messages
// a second for 10 s to the app service's session (socket → core → app service → batcher →
// WebSocket bridge → page store → React → DOM), with the executions table open in Chromium.
//
// "Showing it": a MutationObserver in the page notes the first time each row shows a state
// (execution id, status, progress "k/n"); the sender notes when it wrote each update and what
// the row shows for it. Both read the machine's wall clock (`performance.timeOrigin + now()`).
// Updates of one execution that arrive within one batch are collapsed on the way (the app's
// batcher, the store's once-per-frame publish), so an update counts as shown the first time its
// row shows it or any later state of that execution. Log lines of an execution nobody follows
// are not shown anywhere; the p99 is over the execution updates (80 % of the messages).
// Long tasks: `PerformanceObserver('longtask')` entries (over 50 ms) from the first message
// sent to the last one shown.

const RATE = 2_000
const SECONDS = 10

/** Runs in the page: first-shown times of row states, rows entering and leaving, long tasks. */
const INSTRUMENT = `(() => {
  const now = () => performance.timeOrigin + performance.now()
  const seen = new Map()
  const moves = []
  const longTasks = []
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push([performance.timeOrigin + e.startTime, e.duration])
  }).observe({ type: 'longtask', buffered: true })
  const ROW = 'tr[data-execution-id]'
  const note = (row, at) => {
    const text = row.querySelector('.progress__text')
    const key = row.getAttribute('data-execution-id') + ' ' + row.getAttribute('data-status') + ' ' + (text ? text.textContent : '')
    if (!seen.has(key)) seen.set(key, at)
  }
  new MutationObserver((records) => {
    const at = now()
    const rows = new Set()
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement
      const row = node && node.closest(ROW)
      if (row && row.isConnected) rows.add(row)
      for (const added of r.addedNodes) {
        if (added.nodeType === 1 && added.matches(ROW)) {
          rows.add(added)
          moves.push([added.getAttribute('data-execution-id'), at, 1])
        }
      }
      for (const removed of r.removedNodes) {
        if (removed.nodeType === 1 && removed.matches(ROW)) moves.push([removed.getAttribute('data-execution-id'), at, 0])
      }
    }
    for (const row of rows) if (row.isConnected) note(row, at)
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
  window.__bench = { size: () => seen.size, collect: () => ({ seen: [...seen], moves, longTasks }) }
})()`

interface Collected {
  seen: Array<[string, number]>
  /** Rows entering (1) and leaving (0) the DOM: [execution id, time, 1 | 0]. */
  moves: Array<[string, number, 0 | 1]>
  longTasks: Array<[number, number]>
}

/** When each execution's row was in the DOM: [from, to) intervals, in time order. */
function presence(moves: Collected['moves'], end: number): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>()
  const since = new Map<string, number>()
  // Within one observer callback (one time) a row can leave and come back (React moved it).
  const sorted = [...moves].sort((a, b) => a[1] - b[1] || a[2] - b[2])
  for (const [id, at, entered] of sorted) {
    if (entered) {
      if (!since.has(id)) since.set(id, at)
      continue
    }
    const from = since.get(id)
    if (from === undefined) continue
    since.delete(id)
    let list = out.get(id)
    if (!list) out.set(id, (list = []))
    list.push([from, at])
  }
  for (const [id, from] of since) {
    let list = out.get(id)
    if (!list) out.set(id, (list = []))
    list.push([from, end])
  }
  // A removal and a re-entry at the same time are one stay.
  for (const list of out.values()) {
    list.sort((a, b) => a[0] - b[0])
    for (let i = list.length - 1; i > 0; i--) {
      if (list[i]![0] <= list[i - 1]![1]) {
        list[i - 1]![1] = Math.max(list[i - 1]![1], list[i]![1])
        list.splice(i, 1)
      }
    }
  }
  return out
}

/**
 * Send-to-shown latency of every update a person could see. A long table renders only the rows
 * in view (use-row-window.ts), so an update counts when its execution's row was in the DOM when
 * it was sent or entered it later: from when it was written to the first time its row showed it
 * or a later state of the same execution, unless the row left the DOM first (pushed out of view
 * by newer rows), which puts the update out of view. An update whose row stayed in view and
 * never showed it is Infinity.
 */
export function shownLatencies(
  updates: Array<[string, string, number]>,
  collected: Pick<Collected, 'seen' | 'moves'>,
  end: number
): { latencies: number[]; outOfView: number } {
  const byExecution = new Map<string, Array<{ state: string; sentAt: number }>>()
  for (const [id, state, sentAt] of updates) {
    let list = byExecution.get(id)
    if (!list) byExecution.set(id, (list = []))
    list.push({ state, sentAt })
  }
  const shownAt = new Map(collected.seen)
  const stays = presence(collected.moves, end)
  const latencies: number[] = []
  let outOfView = 0
  for (const [id, list] of byExecution) {
    // The earliest time this state or any later one was shown (a suffix minimum).
    let shownBy = Infinity
    const shown = new Array<number>(list.length)
    for (let i = list.length - 1; i >= 0; i--) {
      shownBy = Math.min(shownBy, shownAt.get(`${id} ${list[i]!.state}`) ?? Infinity)
      shown[i] = shownBy
    }
    const intervals = stays.get(id) ?? []
    list.forEach((update, i) => {
      // The stay that covers the send, or the first one after it.
      const stay = intervals.find(([, to]) => to > update.sentAt)
      if (!stay || shown[i]! > stay[1]) outOfView++
      else latencies.push(shown[i]! - update.sentAt)
    })
  }
  return { latencies, outOfView }
}

/** Row states ("id status k/n", as the sender names them) → when the page first received each. */
function arrivals(socketLog: Array<[number, string]>): Map<string, number> {
  const out = new Map<string, number>()
  for (const [at, data] of socketLog) {
    const frame = JSON.parse(data) as {
      type?: string
      batch?: { events?: Array<{ type?: string; execution?: ExecutionView }> }
    }
    if (frame.type !== 'events') continue
    for (const event of frame.batch?.events ?? []) {
      const e = event.type === 'execution' ? event.execution : undefined
      if (!e) continue
      const p = e.progress
      const key = `${e.id} ${e.status} ${p ? `${p.current_action}/${p.total_actions}` : ''}`
      if (!out.has(key)) out.set(key, at)
    }
  }
  return out
}

/**
 * Where the time of the updates that arrived and showed as themselves went: send to the page
 * receiving the batch (core, the app's batcher, the bridge socket, and the page's main thread
 * being free to take it), then receipt to the row showing it (the next frame, React, DOM).
 */
function split(
  updates: Array<[string, string, number]>,
  received: Map<string, number>,
  shown: Map<string, number>
): string {
  const toPage: number[] = []
  const toRow: number[] = []
  for (const [id, state, sentAt] of updates) {
    const at = received.get(`${id} ${state}`)
    const seen = shown.get(`${id} ${state}`)
    if (at === undefined || seen === undefined) continue
    toPage.push(at - sentAt)
    toRow.push(seen - at)
  }
  const describe = (list: number[]): string => {
    list.sort((a, b) => a - b)
    return `p50 ${round(percentile(list, 0.5))} ms, p99 ${round(percentile(list, 0.99))} ms`
  }
  return `${toPage.length} updates shown as sent: send to page ${describe(toPage)}; page to row ${describe(toRow)}`
}

export const rendererLatency: FigureModule = {
  id: 'renderer-latency',
  alone: true,
  figures: [
    { name: 'renderer_p99_ms_at_2k', unit: 'ms', target: { op: '<=', value: 50 } },
    { name: 'renderer_long_tasks', unit: 'tasks', target: { op: '==', value: 0 } }
  ],
  async run(ctx) {
    const rig = await startDashboardRig()
    try {
      await rig.open('#/executions')
      await rig.page.evaluate(INSTRUMENT)
      await rig.page.evaluate('window.__socketLog = []')
      const busy = await countPageBusy(rig.page)
      const profiler = await startPageProfile(rig.page)
      const streamed = await rig.sender.ask(
        { type: 'renderer-stream', rate: RATE, seconds: SECONDS },
        'renderer-streamed',
        120_000
      )
      // Until the page has shown nothing new for a second (at most 10 s).
      let size = -1
      for (let quiet = 0, waited = 0; quiet < 4 && waited < 40; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        const next = (await rig.page.evaluate('window.__bench.size()')) as number
        quiet = next === size ? quiet + 1 : 0
        size = next
      }
      await profiler?.stop('renderer-latency')
      const spent = await busy.stop()
      const collected = (await rig.page.evaluate('window.__bench.collect()')) as Collected
      const socketLog = (await rig.page.evaluate('window.__socketLog')) as Array<[number, string]>
      const updates = streamed.updates as Array<[string, string, number]>
      const end = performance.timeOrigin + performance.now()
      const { latencies, outOfView } = shownLatencies(updates, collected, end)
      latencies.sort((a, b) => a - b)
      const never = latencies.filter((ms) => ms === Infinity).length
      const lastShown = Math.max(...collected.seen.map(([, at]) => at))
      const from = streamed.first_ms as number
      const long = collected.longTasks.filter(([at]) => at >= from && at <= lastShown)
      ctx.log(
        `renderer: ${streamed.sent as number} messages (${updates.length} updates) at ${RATE}/s, sender at most ${round(streamed.late_ms as number)} ms late; shown: p50 ${round(percentile(latencies, 0.5))} ms, p99 ${round(percentile(latencies, 0.99))} ms, max ${round(latencies.at(-1)!)} ms over ${latencies.length} updates in view (${never} of them never shown), ${outOfView} out of view; long tasks ${long.length}${long.length ? ` (${long.map(([at, d]) => `${Math.round(d)} ms at ${round((at - from) / 1000)} s`).join(', ')})` : ''}`
      )
      ctx.log(`renderer: ${split(updates, arrivals(socketLog), new Map(collected.seen))}`)
      ctx.log(
        `renderer: the page's main thread busy ${spent.task} ms (script ${spent.script}, style ${spent.style}, layout ${spent.layout}) from the stream's start until it had shown everything`
      )
      return {
        renderer_p99_ms_at_2k: round(percentile(latencies, 0.99)),
        renderer_long_tasks: long.length
      }
    } finally {
      await rig.stop()
    }
  }
}
