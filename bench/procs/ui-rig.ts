import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppService } from '@main/app/app-service'
import { TokenVault } from '@main/core/token-vault'
import type { KeychainBackend } from '@main/core/keytar-loader'
import { startUiServer } from '@main/ui/ui-server'
import type { UiServer } from '@main/ui/ui-server'
import { childChannel } from '../lib/child'

// What `nebula-desktop ui` runs, in a process of its own: the real app service (one profile,
// `bench`, pointed at the sender's minimal server; local dev mode off) behind the real `ui`
// server serving the built dashboard (out/renderer). The orchestrator opens the printed URL in
// Chromium: everything the page shows came over socket → core → app service → batcher →
// WebSocket bridge. It reports `ready` once the profile's session is `open`.

const { values } = parseArgs({ options: { url: { type: 'string' } } })
const PROFILE = 'bench'
const root = resolve(__dirname, '..', '..')

/** A keychain in memory: this process stores one token for one run and nothing else. */
function memoryKeychain(): KeychainBackend {
  const entries = new Map<string, string>()
  const key = (service: string, account: string): string => `${service}\u0000${account}`
  return {
    getPassword: (service, account) => Promise.resolve(entries.get(key(service, account)) ?? null),
    setPassword: (service, account, password) => {
      entries.set(key(service, account), password)
      return Promise.resolve()
    },
    deletePassword: (service, account) => Promise.resolve(entries.delete(key(service, account)))
  }
}

const settingsDir = mkdtempSync(join(tmpdir(), 'nebula-bench-ui-'))
let service: AppService | undefined
let server: UiServer | undefined

const { send } = childChannel(() => {})

async function start(): Promise<void> {
  writeFileSync(
    join(settingsDir, 'settings.json'),
    JSON.stringify({
      version: 1,
      local_dev_mode: false,
      profiles: [{ id: PROFILE, name: 'Bench', server_url: values.url!, enabled: true }]
    })
  )
  const vault = new TokenVault({ backend: memoryKeychain() })
  await vault.set(PROFILE, 'bench-token')
  service = await AppService.start({
    settingsDir,
    stateDir: null,
    vault,
    info: {
      name: 'Nebula Desktop',
      version: 'bench',
      platform: process.platform,
      transport: 'browser'
    },
    log: (line) => process.stderr.write(`app: ${line}\n`)
  })
  const opened = new Promise<void>((done) => {
    const stop = service!.onBatch((batch) => {
      for (const event of batch.events) {
        if (
          event.type === 'connection' &&
          event.profile_id === PROFILE &&
          event.state.state === 'open'
        ) {
          stop()
          done()
        }
      }
    })
  })
  server = await startUiServer({
    bridge: service.host,
    rendererDir: join(root, 'out', 'renderer'),
    log: (line) => process.stderr.write(`ui: ${line}\n`)
  })
  await opened
  send({ type: 'ready', url: server.urlWithKey, profile: PROFILE })
}

async function stop(): Promise<void> {
  await server?.close()
  await service?.dispose()
  rmSync(settingsDir, { recursive: true, force: true })
}

process.on('SIGTERM', () => void stop().finally(() => process.exit()))
void start()
