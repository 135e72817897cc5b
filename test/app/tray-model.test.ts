import { describe, expect, it } from 'vitest'
import type { TrayInputs } from '@main/app/app-views'
import { describeState, trayModel, trayState } from '@main/app/tray-model'
import type { TrayAction, TrayMenuItem } from '@main/app/tray-model'
import type { FailureView, SessionState } from '@shared/bridge/views'

// The tray's icon state, tooltip and menu from the app service's tray inputs (pure).

const AT = 1_800_000_000_000
const state = (name: SessionState['state'], extra: Partial<SessionState> = {}): SessionState => ({
  state: name,
  at: AT,
  ...extra
})

function inputs(overrides: Partial<TrayInputs> = {}): TrayInputs {
  return {
    profiles: [{ id: 'local', name: 'Local dev mode', local: true, state: state('open') }],
    unseen_failures: 0,
    running: 0,
    last_failures: [],
    paused_until: null,
    local_dev_mode: true,
    ...overrides
  }
}

function failure(n: number, extra: Partial<FailureView> = {}): FailureView {
  return {
    execution_id: `exec_${n}`,
    workflow_id: `wf_${n}`,
    workflow_name: `Workflow ${n}`,
    status: 'failed',
    at: new Date(AT + n * 60_000).toISOString(),
    profile_id: 'local',
    seen: false,
    ...extra
  }
}

const formatTime = (iso: string): string => iso.slice(11, 16)

/** Every item, submenus flattened. */
function flatten(items: TrayMenuItem[]): TrayMenuItem[] {
  return items.flatMap((item) =>
    item.kind === 'submenu' ? [item, ...flatten(item.items)] : [item]
  )
}

function itemWith(items: TrayMenuItem[], label: string | RegExp): TrayMenuItem {
  const found = flatten(items).find(
    (item) =>
      'label' in item && (typeof label === 'string' ? item.label === label : label.test(item.label))
  )
  if (!found) throw new Error(`no menu item ${String(label)} in ${JSON.stringify(items)}`)
  return found
}

const actionOf = (item: TrayMenuItem): TrayAction | undefined =>
  item.kind === 'action' || item.kind === 'checkbox' ? item.action : undefined

describe('trayState', () => {
  it('maps each connection state of a single profile', () => {
    const expected: Array<[SessionState['state'], string]> = [
      ['open', 'healthy'],
      ['connecting', 'reconnecting'],
      ['syncing', 'reconnecting'],
      ['reconnecting', 'reconnecting'],
      ['offline', 'offline'],
      ['closed', 'offline'],
      ['auth_failed', 'sign_in']
    ]
    for (const [name, tray] of expected) {
      const model = inputs({
        profiles: [{ id: 'p', name: 'P', local: false, state: state(name) }]
      })
      expect(trayState(model), name).toBe(tray)
    }
  })

  it('shows the worst state across profiles', () => {
    const profiles = (...names: Array<SessionState['state']>): TrayInputs['profiles'] =>
      names.map((name, i) => ({ id: `p${i}`, name: `P${i}`, local: false, state: state(name) }))
    expect(trayState(inputs({ profiles: profiles('open', 'reconnecting') }))).toBe('reconnecting')
    expect(trayState(inputs({ profiles: profiles('reconnecting', 'offline', 'open') }))).toBe(
      'offline'
    )
    expect(trayState(inputs({ profiles: profiles('offline', 'auth_failed') }))).toBe('sign_in')
    expect(trayState(inputs({ profiles: profiles('open', 'open') }))).toBe('healthy')
  })

  it('puts unseen failures above every connection problem, and running above healthy only', () => {
    const offline = [{ id: 'p', name: 'P', local: false, state: state('auth_failed') }]
    expect(trayState(inputs({ profiles: offline, unseen_failures: 1 }))).toBe('failures')
    expect(trayState(inputs({ running: 2 }))).toBe('running')
    expect(
      trayState(
        inputs({
          running: 2,
          profiles: [{ id: 'p', name: 'P', local: false, state: state('reconnecting') }]
        })
      )
    ).toBe('reconnecting')
    expect(trayState(inputs({ running: 2, unseen_failures: 3 }))).toBe('failures')
  })

  it('is not healthy when it watches nothing', () => {
    expect(trayState(inputs({ profiles: [], local_dev_mode: false }))).toBe('offline')
  })
})

describe('trayModel tooltip', () => {
  it('names each profile with its state, coverage and the counts', () => {
    const model = trayModel(
      inputs({
        profiles: [
          {
            id: 'prod',
            name: 'Production',
            local: false,
            state: { ...state('open'), coverage: { level: 'polling' } } as SessionState
          },
          {
            id: 'local',
            name: 'Local dev mode',
            local: true,
            state: state('reconnecting', { attempt: 3 })
          }
        ],
        unseen_failures: 2,
        running: 4,
        paused_until: '2027-01-15T08:00:00.000Z'
      }),
      { formatTime }
    )
    expect(model.tooltip.split('\n')).toEqual([
      'Nebula Desktop',
      '2 unseen failures',
      'Production: connected (polling)',
      'Local dev mode: reconnecting (attempt 3)',
      '4 running',
      'Notifications paused until 08:00'
    ])
  })

  it('says "connected" alone for live coverage or a core without coverage', () => {
    expect(describeState(state('open'))).toBe('connected')
    expect(describeState({ ...state('open'), coverage: { level: 'live' } } as SessionState)).toBe(
      'connected'
    )
    expect(describeState(state('auth_failed'))).toBe('sign-in needed')
  })

  it('stays within the platform limit (Windows: 127 characters)', () => {
    const profiles = Array.from({ length: 10 }, (_, i) => ({
      id: `p${i}`,
      name: `A rather long profile name ${i}`,
      local: false,
      state: state('offline')
    }))
    const model = trayModel(inputs({ profiles }), { maxTooltipLength: 127 })
    expect(model.tooltip.length).toBeLessThanOrEqual(127)
    expect(model.tooltip.endsWith('…')).toBe(true)
  })
})

describe('trayModel menu', () => {
  it('has the fixed items in order, with the status lines as labels', () => {
    const model = trayModel(inputs(), { formatTime })
    const shape = model.menu.map((item) => (item.kind === 'separator' ? '---' : item.label))
    expect(shape).toEqual([
      'Open Dashboard',
      '---',
      'Local dev mode: connected',
      '---',
      'Reconnect Now',
      'Pause Notifications',
      'Local Dev Mode',
      '---',
      'Quit Nebula Desktop'
    ])
    expect(actionOf(itemWith(model.menu, 'Open Dashboard'))).toEqual({ type: 'open_dashboard' })
    expect(actionOf(itemWith(model.menu, 'Quit Nebula Desktop'))).toEqual({ type: 'quit' })
    expect(itemWith(model.menu, 'Local dev mode: connected').kind).toBe('label')
  })

  it('lists the last 5 failures, newest first as given, each opening its execution', () => {
    const failures = [6, 5, 4, 3, 2, 1].map((n) => failure(n, { seen: n % 2 === 0 }))
    const model = trayModel(inputs({ last_failures: failures, unseen_failures: 3 }), {
      formatTime
    })
    const rows = model.menu.filter(
      (item) => item.kind === 'action' && item.action.type === 'show_execution'
    )
    expect(rows.map((row) => ('label' in row ? row.label : ''))).toEqual([
      'Workflow 6 failed at 08:06',
      '● Workflow 5 failed at 08:05',
      'Workflow 4 failed at 08:04',
      '● Workflow 3 failed at 08:03',
      'Workflow 2 failed at 08:02'
    ])
    expect(actionOf(rows[1]!)).toEqual({
      type: 'show_execution',
      profile_id: 'local',
      execution_id: 'exec_5'
    })
    expect(itemWith(model.menu, 'Recent failures').kind).toBe('label')
  })

  it('names the profile of a failure when several profiles are watched', () => {
    const model = trayModel(
      inputs({
        profiles: [
          { id: 'local', name: 'Local dev mode', local: true, state: state('open') },
          { id: 'prod', name: 'Production', local: false, state: state('open') }
        ],
        last_failures: [failure(1, { profile_id: 'prod', status: 'timed_out' })]
      }),
      { formatTime }
    )
    expect(itemWith(model.menu, /Workflow 1/)).toMatchObject({
      kind: 'action',
      label: '● Workflow 1 timed out at 08:01 (Production)'
    })
  })

  it('enables Reconnect Now only while a profile is not connected', () => {
    const connected = trayModel(inputs())
    expect(itemWith(connected.menu, 'Reconnect Now')).toMatchObject({ enabled: false })
    const waiting = trayModel(
      inputs({ profiles: [{ id: 'p', name: 'P', local: false, state: state('offline') }] })
    )
    expect(itemWith(waiting.menu, 'Reconnect Now')).toMatchObject({
      enabled: true,
      action: { type: 'reconnect' }
    })
  })

  it('offers pausing for 1 hour or until tomorrow, and resuming only while paused', () => {
    const running = trayModel(inputs())
    expect(actionOf(itemWith(running.menu, 'For 1 Hour'))).toEqual({ type: 'pause', pause: '1h' })
    expect(actionOf(itemWith(running.menu, 'Until Tomorrow'))).toEqual({
      type: 'pause',
      pause: 'tomorrow'
    })
    expect(itemWith(running.menu, 'Resume')).toMatchObject({ enabled: false })

    const paused = trayModel(inputs({ paused_until: '2027-01-15T08:00:00.000Z' }), { formatTime })
    expect(itemWith(paused.menu, 'Notifications Paused').kind).toBe('submenu')
    expect(itemWith(paused.menu, 'Resume')).toMatchObject({
      enabled: true,
      action: { type: 'pause', pause: 'resume' }
    })
    expect(itemWith(paused.menu, 'Notifications paused until 08:00').kind).toBe('label')
  })

  it('shows local dev mode as a checkbox whose click flips it', () => {
    const on = trayModel(inputs({ local_dev_mode: true }))
    expect(itemWith(on.menu, 'Local Dev Mode')).toMatchObject({
      kind: 'checkbox',
      checked: true,
      action: { type: 'set_local_dev_mode', enabled: false }
    })
    const off = trayModel(inputs({ local_dev_mode: false, profiles: [] }))
    expect(itemWith(off.menu, 'Local Dev Mode')).toMatchObject({
      checked: false,
      action: { type: 'set_local_dev_mode', enabled: true }
    })
    expect(itemWith(off.menu, 'Watching no server').kind).toBe('label')
  })

  it('is a new value for new inputs (the adapter rebuilds the whole menu from it)', () => {
    const before = trayModel(inputs())
    const after = trayModel(inputs({ unseen_failures: 1, last_failures: [failure(1)] }))
    expect(before.state).toBe('healthy')
    expect(after.state).toBe('failures')
    expect(after.menu).not.toEqual(before.menu)
  })
})
