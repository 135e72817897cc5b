#!/usr/bin/env node
// `npm start`, `npm run dev` and `npm run dist`: Electron's binary first (found, or downloaded
// once by the electron package's installer), then the real command. Where the binary cannot be
// had, a plain explanation and exit code 1, before anything is built.
//   node scripts/start-electron.js preview|dev|dist [extra arguments]
'use strict'
const { spawn } = require('node:child_process')
const path = require('node:path')
const { ensureElectron, explainFailure } = require('./electron-binary')

const root = path.join(__dirname, '..')
const EXIT_NO_ELECTRON = 1
const EXIT_USAGE = 2

const COMMANDS = {
  preview: { what: 'start the desktop app', steps: ['electron-vite preview'] },
  dev: { what: 'start the desktop app in development mode', steps: ['electron-vite dev'] },
  dist: {
    what: 'package the desktop app',
    steps: ['electron-vite build', 'electron-builder --config electron-builder.yml']
  }
}

/** The JavaScript entry of a package's bin, run with this Node (no shell, same on Windows). */
function binOf(pkg, name) {
  const manifestPath = require.resolve(`${pkg}/package.json`, { paths: [root] })
  const manifest = require(manifestPath)
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name]
  return path.join(path.dirname(manifestPath), bin)
}

/** Runs one step in the foreground, forwarding Ctrl-C and SIGTERM; resolves its exit code. */
function run(step, extraArgs, env) {
  const [name, ...args] = step.split(' ')
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binOf(name, name), ...args, ...extraArgs], {
      cwd: root,
      env,
      stdio: 'inherit'
    })
    const forward = (signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => {
      process.stderr.write(`nebula-desktop: could not run ${name}: ${error.message}\n`)
      resolve(1)
    })
    child.on('close', (code) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(code ?? 1)
    })
  })
}

async function main(argv) {
  const [command, ...extraArgs] = argv
  const spec = COMMANDS[command]
  if (!spec) {
    process.stderr.write(
      `usage: node scripts/start-electron.js ${Object.keys(COMMANDS).join('|')}\n`
    )
    return EXIT_USAGE
  }
  const electron = await ensureElectron({ root })
  if (!electron.ok) {
    process.stderr.write(
      explainFailure({ what: spec.what, reason: electron.reason, version: electron.pkg.version })
    )
    return EXIT_NO_ELECTRON
  }
  // electron-vite reads node_modules/electron/path.txt and ignores ELECTRON_OVERRIDE_DIST_PATH;
  // ELECTRON_EXEC_PATH is the variable it honours, so an override install works there too.
  const env = { ...process.env, ELECTRON_EXEC_PATH: electron.binary }
  for (const [index, step] of spec.steps.entries()) {
    const last = index === spec.steps.length - 1
    const args = [...(last ? extraArgs : [])]
    // Package the binary just provisioned instead of downloading Electron a second time.
    if (step.startsWith('electron-builder') && electron.distDir) {
      args.unshift(`-c.electronDist=${electron.distDir}`)
    }
    const code = await run(step, args, env)
    if (code !== 0) return code
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    // Only a bug in this script lands here; still one line, no stack.
    process.stderr.write(`nebula-desktop: ${error instanceof Error ? error.message : error}\n`)
    process.exitCode = 1
  }
)
