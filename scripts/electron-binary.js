// Electron's binary for `npm start`, `npm run dev` and `npm run dist`: found where it already is,
// or fetched once with the electron package's own installer (its `install-electron` bin), within
// a time bound. Since Electron 42 nothing downloads the binary at `npm install`, and
// electron-vite only reads node_modules/electron/path.txt, so without this step a fresh clone
// fails with "Electron uninstall". When the binary cannot be had, `explainFailure` says so in
// plain words; no stack trace reaches the person.
'use strict'
const { spawn } = require('node:child_process')
const dns = require('node:dns')
const fs = require('node:fs')
const path = require('node:path')

/** A stalled download is given up after this long (NEBULA_ELECTRON_INSTALL_TIMEOUT_MS). */
const DEFAULT_INSTALL_TIMEOUT_MS = 10 * 60 * 1000
/** How often a running download says it is still running (its own progress bar needs a TTY). */
const STILL_RUNNING_EVERY_MS = 30 * 1000
/** Where Electron's installer downloads from when no mirror is set. */
const DEFAULT_DOWNLOAD_HOST = 'github.com'

/** The executable inside an Electron distribution folder, as install.js names it. */
function executableFor(platform) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron'
    case 'win32':
      return 'electron.exe'
    default:
      return 'electron'
  }
}

/** The electron package's folder, version and installer, as resolved from `root`. */
function electronPackage(root) {
  const manifest = require.resolve('electron/package.json', { paths: [root] })
  const dir = path.dirname(manifest)
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'))
  return { dir, version, installer: path.join(dir, 'install.js') }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/**
 * Where the binary is without downloading anything: `{ binary, via }`, or `{ problem }` when a
 * variable points at nothing, or null when it has to be installed. Mirrors the installer's own
 * "already installed" test (dist/version, path.txt, the executable), so a second run is instant.
 */
function locateElectron(pkg, env = process.env, platform = process.platform) {
  const execPath = env.ELECTRON_EXEC_PATH
  if (execPath) {
    return fs.existsSync(execPath)
      ? { binary: execPath, via: 'ELECTRON_EXEC_PATH' }
      : { problem: `ELECTRON_EXEC_PATH points at ${execPath}, which does not exist` }
  }
  const relative = readText(path.join(pkg.dir, 'path.txt')) || executableFor(platform)
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const binary = path.join(override, relative)
    return fs.existsSync(binary)
      ? { binary, via: 'ELECTRON_OVERRIDE_DIST_PATH', distDir: override }
      : {
          problem: `ELECTRON_OVERRIDE_DIST_PATH is ${override}, but there is no Electron executable at ${binary}`
        }
  }
  const distDir = path.join(pkg.dir, 'dist')
  const installed = (readText(path.join(distDir, 'version')) || '').trim().replace(/^v/, '')
  const binary = path.join(distDir, relative)
  if (installed === pkg.version && fs.existsSync(binary)) {
    return { binary, via: 'installed', distDir }
  }
  return null
}

/** The host the installer downloads from (a mirror's, when one is set). */
function downloadHost(env = process.env) {
  const mirror =
    env.ELECTRON_MIRROR || env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR
  if (!mirror) return DEFAULT_DOWNLOAD_HOST
  try {
    return new URL(mirror).hostname || DEFAULT_DOWNLOAD_HOST
  } catch {
    return DEFAULT_DOWNLOAD_HOST
  }
}

/** The first line of the installer's error output that says what went wrong (never its stack). */
function firstErrorLine(output) {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^at\s/.test(line))
  const error = lines.find((line) => /error|fail|refused|denied|ENO|EAI_/i.test(line))
  // "TypeError: fetch failed" says no more than "fetch failed" to a person.
  return (error || lines[0] || '').replace(/^[A-Z]\w*Error: /, '').slice(0, 300)
}

/** Runs the installer; resolves `{ ok, timedOut, output }` and never rejects. */
function runInstaller(pkg, { env, timeoutMs, log }) {
  return new Promise((resolve) => {
    let output = ''
    let settled = false
    const started = Date.now()
    const child = spawn(process.execPath, [pkg.installer], {
      cwd: pkg.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true
    })
    const collect = (chunk) => {
      // Bounded: only the first lines matter for the explanation.
      if (output.length < 64 * 1024) output += chunk
    }
    child.stdout.setEncoding('utf8').on('data', collect)
    child.stderr.setEncoding('utf8').on('data', collect)
    const ticker = setInterval(() => {
      log(`  still downloading… (${Math.round((Date.now() - started) / 1000)} s)`)
    }, STILL_RUNNING_EVERY_MS)
    const timer = setTimeout(() => finish({ ok: false, timedOut: true }), timeoutMs)
    function finish(result) {
      if (settled) return
      settled = true
      clearInterval(ticker)
      clearTimeout(timer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      resolve({ ...result, output })
    }
    child.on('error', (error) => finish({ ok: false, timedOut: false, spawnError: error.message }))
    child.on('close', (code) => finish({ ok: code === 0, timedOut: false }))
  })
}

/** Whether `host` resolves, within 3 s: a name that does not resolve means no network here. */
function hostResolves(host) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: 'no answer within 3 s' }), 3000)
    dns.lookup(host, (error) => {
      clearTimeout(timer)
      resolve(error ? { ok: false, reason: error.code || error.message } : { ok: true })
    })
  })
}

/**
 * Finds or installs Electron's binary. Resolves `{ ok: true, binary, distDir, via }`, or
 * `{ ok: false, reason }` with one line saying what failed. Never throws for a missing binary.
 */
async function ensureElectron(options) {
  const env = options.env || process.env
  const log = options.log || ((line) => process.stderr.write(`${line}\n`))
  const pkg = electronPackage(options.root)
  const found = locateElectron(pkg, env, options.platform)
  if (found && found.problem) return { ok: false, reason: found.problem, pkg }
  if (found) return { ok: true, ...found, pkg }

  const timeoutMs = Number(env.NEBULA_ELECTRON_INSTALL_TIMEOUT_MS) || DEFAULT_INSTALL_TIMEOUT_MS
  const host = downloadHost(env)
  log(`Electron ${pkg.version} is not installed yet: downloading it once from ${host}…`)
  const result = await runInstaller(pkg, { env, timeoutMs, log })
  const after = locateElectron(pkg, env, options.platform)
  if (result.ok && after && !after.problem) return { ok: true, ...after, pkg }

  let reason
  if (result.timedOut) {
    reason = `the download from ${host} did not finish within ${Math.round(timeoutMs / 1000)} s`
  } else if (result.spawnError) {
    reason = `the installer could not be started: ${result.spawnError}`
  } else if (result.ok) {
    reason = 'the installer finished, but no Electron executable is where it said'
  } else {
    reason = `the download from ${host} failed: ${firstErrorLine(result.output) || 'no reason given'}`
    const lookup = await hostResolves(host)
    if (!lookup.ok) reason += ` (${host} cannot be resolved: ${lookup.reason}; no network?)`
  }
  return { ok: false, reason, pkg }
}

/** The plain explanation printed when the binary cannot be had; `what` names the command. */
function explainFailure({ what, reason, version }) {
  return [
    `nebula-desktop: cannot ${what}: Electron's binary (${version}) is not installed and could not be downloaded.`,
    `  What failed: ${reason}.`,
    '  To fix it, one of:',
    '    - connect to the network and run the command again (a one-time download of about 100 MB);',
    '    - set ELECTRON_MIRROR to a reachable mirror of Electron releases,',
    '      e.g. ELECTRON_MIRROR=https://mirror.example.com/electron/ npm start;',
    `    - set ELECTRON_OVERRIDE_DIST_PATH to the folder of an existing Electron ${version} install`,
    '      (the folder holding its executable).',
    '  Without Electron, the same monitor runs:',
    '    - in a terminal:    npm run build && node bin/nebula-desktop.js watch --local --format pretty',
    '    - in your browser:  npm run ui   (or: node bin/nebula-desktop.js ui --local --open)',
    ''
  ].join('\n')
}

module.exports = {
  DEFAULT_INSTALL_TIMEOUT_MS,
  electronPackage,
  ensureElectron,
  executableFor,
  explainFailure,
  firstErrorLine,
  locateElectron
}
