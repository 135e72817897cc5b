import { spawnSync } from 'node:child_process'

// This machine may be shared: other work on it runs in other cgroups, where `nice` does not
// reach, and a process of ours that waits for a core shows up as latency no code of ours
// caused (an idle 1 ms timer here sees p99 ≈ 6 ms and stalls of hundreds of ms). The latency
// figures therefore run their processes, the baselines' too, with real-time scheduling
// (SCHED_FIFO through `chrt`) where the OS allows it; Linux still keeps 5 % of every second for
// everything else. Throughput figures stay at normal priority: they saturate a core, and their
// baseline in the same run absorbs the noise. The report says which was used.

/** How a bench process is scheduled. */
export type Scheduling = 'normal' | 'realtime'

const RT_PRIORITY = 20
const notes = new Set<string>()

/** Applies `scheduling` to every thread of `pid`; falls back to normal, noted, when refused. */
export function applyScheduling(pid: number | undefined, scheduling: Scheduling): void {
  if (pid === undefined || scheduling === 'normal') return
  const result = spawnSync('chrt', ['-r', '-p', String(RT_PRIORITY), String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8'
  })
  if (result.status === 0) notes.add(`latency figures: SCHED_RR ${RT_PRIORITY} (chrt)`)
  else notes.add('latency figures: normal scheduling (real-time scheduling was refused)')
}

/** What scheduling the runs got, for the report. */
export function schedulingReport(): string {
  return notes.size > 0 ? [...notes].join('; ') : 'normal scheduling'
}
