import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { BenchChild, nowUs } from '../lib/child'
import { applyScheduling } from '../lib/scheduling'
import { round } from '../lib/stats'
import type { BenchContext, FigureModule } from './figure'

// `watch` (the built CLI, a process of its own, first contact: no saved state) against the
// gateway's document-only dialect holding 150 workflows and 2,000 executions of the last hour:
// from the moment the process is started to `open` with full coverage: every followed workflow
// covered, by a live subscription or (while its subscription waits) by REST polling. The
// document dialect knows no `workflow_executions:all`, so the client follows each workflow: 152
// subscriptions, more than the server's 100 messages a minute allow (the client paces itself at
// 90 per 66 s); the log also says when every subscription was live (the second window).

const WORKFLOWS = 150
const EXECUTIONS = 2_000
const TIMEOUT_MS = 180_000
/** How long to keep watching for every subscription to be live, for the log line only. */
const LIVE_WAIT_MS = 120_000

interface StateLine {
  kind: string
  state?: string
  coverage?: { level: string; live: number; pending: number; refused: number; polled: number }
}

async function watchUntilOpen(ctx: BenchContext, url: string, token: string): Promise<number> {
  const startUs = nowUs()
  const child = spawn(
    process.execPath,
    [
      ctx.cli,
      'watch',
      '--server',
      url,
      '--token-env',
      'NEBULA_BENCH_TOKEN',
      '--format',
      'json',
      '--no-state'
    ],
    { env: { ...process.env, NEBULA_BENCH_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  applyScheduling(child.pid, 'realtime')
  const stderr: string[] = []
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk))
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`watch not open within ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS
      )
      let opened: number | undefined
      child.on('exit', (code) =>
        reject(new Error(`watch exited with ${code}: ${stderr.join('').slice(-500)}`))
      )
      const liveTimer = setTimeout(() => opened !== undefined && resolve(opened), LIVE_WAIT_MS)
      liveTimer.unref()
      createInterface({ input: child.stdout }).on('line', (line) => {
        const at = (nowUs() - startUs) / 1000
        let event: StateLine
        try {
          event = JSON.parse(line) as StateLine
        } catch {
          return
        }
        if (event.kind !== 'state' || event.state !== 'open') return
        const c = event.coverage
        if (!c) return
        const covered = c.pending + c.refused === c.polled && c.live + c.polled > WORKFLOWS
        if (opened === undefined && covered) {
          opened = at
          ctx.log(
            `cold sync: open, everything covered (${c.live} live, ${c.polled} polled over REST) at ${round(at)} ms`
          )
        }
        if (opened !== undefined && c.level === 'live') {
          ctx.log(`cold sync: every subscription live at ${round(at)} ms`)
          clearTimeout(timer)
          clearTimeout(liveTimer)
          resolve(opened)
        }
      })
    })
  } finally {
    child.kill('SIGTERM')
  }
}

export const coldSync: FigureModule = {
  id: 'cold-sync',
  // After its first second it waits for the rate limit's next window: alongside the others.
  background: true,
  figures: [{ name: 'cold_sync_ms', unit: 'ms', target: { op: '<=', value: 3_000 } }],
  async run(ctx) {
    const rig = BenchChild.start('gateway-rig', [], { scheduling: 'realtime' })
    try {
      const started = await rig.ask(
        {
          type: 'start',
          options: { dialect: 'document' },
          engineOptions: {
            seed: 11,
            failureRate: 1 / 3,
            history: { workflows: WORKFLOWS, executions: EXECUTIONS }
          }
        },
        'started'
      )
      const { tokens } = await rig.ask({ type: 'mint', subs: ['bench-cold-sync'] }, 'minted')
      const ms = await watchUntilOpen(ctx, started.url as string, (tokens as string[])[0]!)
      return { cold_sync_ms: Math.round(ms) }
    } finally {
      await rig.stop()
    }
  }
}
