import type { ExecutionView, FailureView, LogLine, ProfileView, Snapshot } from '@shared/bridge'

// Small builders of contract values for the renderer's unit tests (pure logic, no browser).

export function execution(id: string, change: Partial<ExecutionView> = {}): ExecutionView {
  return {
    profile_id: 'local',
    id,
    workflow_id: 'wf_orders',
    workflow_name: 'Orders',
    status: 'running',
    started_at: '2026-01-15T10:00:00.000Z',
    ...change
  }
}

export function failure(
  executionId: string,
  at: string,
  change: Partial<FailureView> = {}
): FailureView {
  return {
    profile_id: 'local',
    execution_id: executionId,
    workflow_id: 'wf_orders',
    workflow_name: 'Orders',
    status: 'failed',
    at,
    seen: false,
    ...change
  }
}

export function profile(id: string, change: Partial<ProfileView> = {}): ProfileView {
  return {
    id,
    name: id,
    server_url: 'http://127.0.0.1:1',
    enabled: true,
    auth_method: 'query',
    allow_insecure: false,
    local: false,
    token: { present: false, expired: false, expiring_soon: false },
    connection: { state: 'open', at: 1 },
    ...change
  }
}

export function snapshot(change: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 0,
    info: { name: 'Nebula Desktop', version: '1.0.0', platform: 'linux', transport: 'browser' },
    settings: {
      active_profile_id: null,
      local_dev_mode: true,
      notifications: {
        paused_until: null,
        muted: [],
        singles_per_minute: 3,
        notify_recovered: true
      },
      launch_at_login: false,
      close_to_tray: true
    },
    profiles: [],
    executions: [],
    workflows: [],
    failures: [],
    notices: [],
    ...change
  }
}

export function lines(
  from: number,
  to: number,
  level = 'info',
  message = (n: number) => `line ${n}`
): LogLine[] {
  const out: LogLine[] = []
  for (let seq = from; seq <= to; seq++) {
    out.push({
      seq,
      timestamp: new Date(Date.UTC(2026, 0, 15, 10, 0, 0, seq)).toISOString(),
      level,
      message: message(seq)
    })
  }
  return out
}
