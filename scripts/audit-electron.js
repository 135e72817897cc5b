#!/usr/bin/env node
// `npm run audit:electron`: Doyensec's electronegativity over src/ (for the Electron version
// installed), and a pass only when every finding is fixed or justified in docs/SECURITY.md's
// "Electronegativity findings" table (one row per check and file, with the reason).
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const SECURITY_MD = path.join(root, 'docs', 'SECURITY.md')
const SECTION = '## Electronegativity findings'

/** `{ id, file, reason }` for each row of the justification table in docs/SECURITY.md. */
function justifications() {
  const text = fs.readFileSync(SECURITY_MD, 'utf8')
  const start = text.indexOf(SECTION)
  if (start < 0) throw new Error(`docs/SECURITY.md has no "${SECTION}" section`)
  const next = text.indexOf('\n## ', start + SECTION.length)
  const section = text.slice(start, next < 0 ? undefined : next)
  const rows = []
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    // | `CHECK_ID` | `file` | reason |
    const id = /^`([A-Z0-9_]+)`$/.exec(cells[1] || '')
    const file = /^`([^`]+)`$/.exec(cells[2] || '')
    if (id && file && cells[3]) rows.push({ id: id[1], file: file[1], reason: cells[3] })
  }
  return rows
}

/** Runs electronegativity and returns its SARIF results as `{ id, file, line, message }`. */
function scan() {
  const electron = require(require.resolve('electron/package.json', { paths: [root] }))
  const manifest = require.resolve('@doyensec/electronegativity/package.json', { paths: [root] })
  const bin = path.join(path.dirname(manifest), require(manifest).bin.electronegativity)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nebula-audit-'))
  const report = path.join(dir, 'report.sarif')
  try {
    const run = spawnSync(
      process.execPath,
      [bin, '-i', 'src', '-r', '-e', electron.version, '-o', report],
      { cwd: root, encoding: 'utf8' }
    )
    if (run.status !== 0 || !fs.existsSync(report)) {
      process.stderr.write(run.stdout + run.stderr)
      throw new Error(`electronegativity did not finish (exit ${run.status})`)
    }
    const sarif = JSON.parse(fs.readFileSync(report, 'utf8'))
    return sarif.runs.flatMap((r) =>
      r.results.map((result) => {
        const location = result.locations[0].physicalLocation
        return {
          id: result.ruleId,
          file: `src/${location.artifactLocation.uri}`,
          line: location.region ? location.region.startLine : 0,
          message: result.message.text
        }
      })
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function main() {
  const allowed = justifications()
  const findings = scan()
  let unjustified = 0
  for (const finding of findings) {
    const why = allowed.find((row) => row.id === finding.id && row.file === finding.file)
    const where = `${finding.id} ${finding.file}:${finding.line}`
    if (why) console.log(`justified    ${where}: ${why.reason}`)
    else {
      unjustified++
      console.log(`UNJUSTIFIED  ${where}: ${finding.message}`)
    }
  }
  for (const row of allowed) {
    if (!findings.some((f) => f.id === row.id && f.file === row.file)) {
      console.log(`(no longer found: ${row.id} ${row.file}; its row in docs/SECURITY.md can go)`)
    }
  }
  console.log(
    `audit:electron: ${findings.length} finding(s), ${findings.length - unjustified} justified, ${unjustified} not`
  )
  if (unjustified > 0) {
    console.log(`Fix them, or justify each in one line in docs/SECURITY.md ("${SECTION}").`)
  }
  return unjustified > 0 ? 1 : 0
}

try {
  process.exitCode = main()
} catch (error) {
  process.stderr.write(`audit:electron: ${error instanceof Error ? error.message : error}\n`)
  process.exitCode = 2
}
