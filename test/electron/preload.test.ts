import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BRIDGE_GLOBAL,
  EVENT_CHANNEL,
  EVENT_METHOD,
  InvokeChannel,
  type InvokeMethod,
  type NebulaBridge
} from '@shared/bridge'
import { runToCompletion } from '../helpers/process'

// The BUILT preload (out/preload/index.js) under the renderer-side recording fake of electron
// (fixtures/fake-electron-preload.cjs via fixtures/electron-hook.cjs, driven by
// fixtures/preload-probe.cjs): it must load nothing but electron, expose exactly one global,
// `window.nebula`, with exactly one method per contract channel, and each method must use its
// own channel and nothing else.

const ROOT = resolve(__dirname, '..', '..')
const PRELOAD = join(ROOT, 'out', 'preload', 'index.js')
const FIXTURES = join(__dirname, 'fixtures')

/**
 * The bridge method serving each channel of the contract: every command's channel, and the one
 * event channel. Checked both ways at compile time: a NebulaBridge member without a channel
 * fails to compile here.
 */
const METHOD_FOR: Record<string, keyof NebulaBridge> = {
  ...Object.fromEntries(
    (Object.entries(InvokeChannel) as Array<[InvokeMethod, string]>).map(([method, channel]) => [
      channel,
      method
    ])
  ),
  [EVENT_CHANNEL]: EVENT_METHOD as 'onEvents'
}
type Unmapped = Exclude<keyof NebulaBridge, InvokeMethod | 'onEvents'>
const everyMemberHasAChannel: [Unmapped] extends [never] ? true : Unmapped = true

const invokeChannels = Object.values(InvokeChannel) as string[]
const plan = Object.entries(METHOD_FOR).map(([channel, method]) => ({
  channel,
  method,
  kind: invokeChannels.includes(channel) ? 'invoke' : 'event'
}))

interface IpcCall {
  call: string
  channel?: string
  key?: string
  args?: unknown[]
}
interface ProbeReport {
  requested: string[]
  exposures: Array<{ key: string; members: Array<{ name: string; type: string }> }>
  methods: Array<{
    method: string
    ipc: IpcCall[]
    answer?: unknown
    received?: unknown[][]
    listenersAfterUnsubscribe?: number
  }>
}

beforeAll(() => {
  if (!existsSync(PRELOAD)) {
    throw new Error(`${PRELOAD} is missing: build first with \`npm run build\` (npm test does)`)
  }
})

describe('the built preload under a recording fake of electron', () => {
  let report: ProbeReport

  beforeAll(async () => {
    const result = await runToCompletion(
      process.execPath,
      [
        '--require',
        join(FIXTURES, 'electron-hook.cjs'),
        join(FIXTURES, 'preload-probe.cjs'),
        PRELOAD,
        JSON.stringify(plan)
      ],
      { env: { FAKE_ELECTRON_SIDE: 'preload' } }
    )
    expect(result.code, result.stderr).toBe(0)
    report = JSON.parse(result.stdout) as ProbeReport
  })

  it('loads electron and nothing else', () => {
    expect(report.requested).toEqual(['electron'])
  })

  it('exposes exactly the contract: one global, one function per channel', () => {
    expect(everyMemberHasAChannel).toBe(true)
    expect(report.exposures.map((e) => e.key)).toEqual([BRIDGE_GLOBAL])
    const members = report.exposures[0]!.members
    expect(members.map((m) => m.name).sort()).toEqual(Object.values(METHOD_FOR).sort())
    for (const member of members) expect(member, member.name).toMatchObject({ type: 'function' })
  })

  it.each(plan.filter((p) => p.kind === 'invoke'))(
    '$method invokes $channel and returns the answer',
    ({ method, channel }) => {
      const outcome = report.methods.find((m) => m.method === method)!
      expect(outcome.ipc).toEqual([{ call: 'ipcRenderer.invoke', channel, args: ['(undefined)'] }])
      expect(outcome.answer).toEqual({ answeredBy: 'fake', channel })
    }
  )

  it.each(plan.filter((p) => p.kind === 'event'))(
    '$method listens on $channel, passes only the payload, and unsubscribes',
    ({ method, channel }) => {
      const outcome = report.methods.find((m) => m.method === method)!
      expect(outcome.ipc.map((c) => `${c.call} ${c.channel}`)).toEqual([
        `ipcRenderer.on ${channel}`,
        `ipcRenderer.removeListener ${channel}`,
        `ipcRenderer.removeListener ${channel}`
      ])
      // The IPC event object (which carries `sender`) never reaches the page.
      expect(outcome.received).toEqual([[{ probe: 1 }]])
      expect(outcome.listenersAfterUnsubscribe).toBe(0)
    }
  )
})
