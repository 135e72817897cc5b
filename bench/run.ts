import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { FIGURE_MODULES } from './figures'
import { meets } from './figures/figure'
import { schedulingReport } from './lib/scheduling'
import type { BenchContext, FigureModule } from './figures/figure'

// `npm run bench`: runs every figure module (background ones alongside the rest, `alone` ones
// once those are done), prints one table and writes bench/results/latest.json: a flat object of
// the figures plus the machine. Exit code 1 when a figure misses its target or a module fails.

const root = resolve(__dirname, '..', '..')
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'boolean', default: false }
  }
})
if (values.profile) {
  // Read by BenchChild: each bench process writes a .cpuprofile there when it exits.
  process.env.NEBULA_BENCH_PROFILE_DIR = join(root, 'bench', 'results', 'profiles')
}
const only = values.only?.split(',').map((s) => s.trim())
const modules = FIGURE_MODULES.filter((m) => !only || only.includes(m.id))
const started = Date.now()
const ctx: BenchContext = {
  log: (line) =>
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`),
  cli: join(root, 'bin', 'nebula-desktop.js')
}

async function runModule(module: FigureModule): Promise<Record<string, number> | Error> {
  ctx.log(`${module.id}: start`)
  try {
    const figures = await module.run(ctx)
    ctx.log(`${module.id}: ${JSON.stringify(figures)}`)
    return figures
  } catch (error) {
    ctx.log(`${module.id}: FAILED: ${error instanceof Error ? error.message : String(error)}`)
    return error instanceof Error ? error : new Error(String(error))
  }
}

async function main(): Promise<number> {
  const background = modules.filter((m) => m.background).map((m) => [m, runModule(m)] as const)
  const results = new Map<FigureModule, Record<string, number> | Error>()
  for (const module of modules.filter((m) => !m.background && !m.alone)) {
    results.set(module, await runModule(module))
  }
  for (const [module, pending] of background) results.set(module, await pending)
  for (const module of modules.filter((m) => m.alone)) results.set(module, await runModule(module))

  const flat: Record<string, number | string> = {}
  const rows: string[][] = []
  let missed = 0
  for (const module of modules) {
    const result = results.get(module)!
    for (const spec of module.figures) {
      const value = result instanceof Error ? NaN : result[spec.name]
      if (typeof value === 'number' && Number.isFinite(value)) flat[spec.name] = value
      const ok = spec.target ? meets(value ?? NaN, spec.target) : true
      if (!ok) missed++
      const target = spec.target ? `${spec.target.op} ${spec.target.value}` : '—'
      const shown = typeof value === 'number' && Number.isFinite(value) ? String(value) : 'failed'
      rows.push([spec.name, shown, spec.unit, target, spec.target ? (ok ? 'yes' : 'NO') : ''])
    }
  }
  const cpu = cpus()
  flat.cpu_model = cpu[0]?.model.trim() ?? 'unknown'
  flat.cpu_cores = cpu.length
  flat.node_version = process.version

  const out = values.out ?? join(root, 'bench', 'results', 'latest.json')
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(flat, null, 2)}\n`)
  printTable(['figure', 'value', 'unit', 'target', 'met'], rows)
  process.stdout.write(
    `\n${flat.cpu_model} × ${flat.cpu_cores}, Node ${flat.node_version}; ${schedulingReport()}; ${Math.round((Date.now() - started) / 1000)} s; written to ${out}\n`
  )
  return missed > 0 ? 1 : 0
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`
  process.stdout.write(
    [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join(
      '\n'
    ) + '\n'
  )
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
    )
    process.exit(1)
  }
)
