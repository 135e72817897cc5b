#!/usr/bin/env node
// The top functions of a V8 CPU profile (`npm run bench -- --profile` writes them to
// bench/results/profiles): `node bench/profile-top.cjs FILE.cpuprofile [N] [--inclusive]`.
// Self time by default; `--inclusive` adds what each function's callees spent.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const args = process.argv.slice(2)
const inclusive = args.includes('--inclusive')
const [file, count = '25'] = args.filter((a) => !a.startsWith('--'))
if (!file) {
  process.stderr.write('usage: node bench/profile-top.cjs FILE.cpuprofile [N] [--inclusive]\n')
  process.exit(2)
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map()
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id)

const label = (node) => {
  const frame = node.callFrame
  const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''
  return `${frame.functionName || '(anonymous)'} ${where}`.trim()
}
const totals = new Map()
let sampled = 0
let idle = 0
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i] ?? 0
  sampled += us
  let node = byId.get(profile.samples[i])
  if (label(node).startsWith('(idle)')) {
    idle += us
    continue
  }
  if (!inclusive) {
    totals.set(label(node), (totals.get(label(node)) ?? 0) + us)
    continue
  }
  // Each function once per sample, however deep it recurses.
  const seen = new Set()
  for (; node; node = byId.get(parent.get(node.id))) {
    const key = label(node)
    if (seen.has(key)) continue
    seen.add(key)
    totals.set(key, (totals.get(key) ?? 0) + us)
  }
}
const busy = sampled - idle
process.stdout.write(
  `${path.basename(file)}: ${(sampled / 1e3).toFixed(0)} ms sampled, ${(busy / 1e3).toFixed(0)} ms busy (${inclusive ? 'inclusive' : 'self'} time)\n`
)
const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(count))
for (const [key, us] of rows) {
  const share = ((100 * us) / busy).toFixed(1).padStart(5)
  process.stdout.write(`${share} %  ${(us / 1e3).toFixed(1).padStart(8)} ms  ${key}\n`)
}
