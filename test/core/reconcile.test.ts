import { createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reconcile } from '@main/core/reconcile'
import { RestClient } from '@main/core/rest-client'

// Reconciliation against a real HTTP server whose history the test writes: paging stops at the
// watermark, a listing that never ends is cut at the page limit and says so, and tracked
// executions are looked at one by one (a vanished one is simply gone).

let server: Server
let url = ''
const requests: string[] = []
/** executions per status, newest first */
let history: Record<string, Array<{ id: string; started_at: string }>> = {}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10) + minute * 60_000).toISOString()

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    const u = new URL(req.url ?? '/', 'http://x')
    res.setHeader('content-type', 'application/json')
    const single = /^\/api\/v1\/executions\/([^/?]+)$/.exec(u.pathname)
    if (single) {
      if (single[1] === 'gone')
        res.writeHead(404).end('{"error":{"code":"NOT_FOUND","message":"gone"}}')
      else res.end(JSON.stringify({ id: single[1], workflow_id: 'wf', status: 'completed' }))
      return
    }
    const status = u.searchParams.get('status') ?? ''
    const offset = Number(u.searchParams.get('offset'))
    const limit = Number(u.searchParams.get('limit'))
    const all = (history[status] ?? []).map((e) => ({ ...e, workflow_id: 'wf', status }))
    const endless = status === 'running' && history.endless !== undefined
    const data = endless
      ? Array.from({ length: limit }, (_, i) => ({
          id: `r${offset + i}`,
          workflow_id: 'wf',
          status,
          started_at: at(59)
        }))
      : all.slice(offset, offset + limit)
    res.end(
      JSON.stringify({ data, pagination: { has_more: endless || offset + limit < all.length } })
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('reconcile', () => {
  it('pages newest first until older than the watermark, and re-checks tracked executions', async () => {
    history = {
      failed: Array.from({ length: 250 }, (_, i) => ({ id: `f${i}`, started_at: at(59 - i / 5) }))
    }
    requests.length = 0
    const rest = new RestClient(url, () => 'token-0123456789')
    const result = await reconcile(rest, { watermark: at(30), trackedIds: ['t1', 'gone'] })
    const failed = result.executions.filter((e) => e.status === 'failed')
    // Minutes 59 down to 30 (inclusive) are 146 executions: two pages of 100 were needed.
    expect(failed).toHaveLength(146)
    expect(requests.filter((r) => r.includes('status=failed'))).toHaveLength(2)
    expect(result.executions.find((e) => e.id === 't1')?.status).toBe('completed')
    expect(result.executions.find((e) => e.id === 'gone')).toBeUndefined()
    expect(result.truncated).toBe(false)
  })

  it('reads one page only on first contact (a baseline, not a gap)', async () => {
    history = {
      failed: Array.from({ length: 250 }, (_, i) => ({ id: `f${i}`, started_at: at(59 - i / 5) }))
    }
    const result = await reconcile(new RestClient(url, () => 'token-0123456789'), {
      watermark: null,
      trackedIds: []
    })
    expect(result.executions).toHaveLength(100)
  })

  it('stops at the page limit and says the listing was truncated', async () => {
    history = { endless: [] }
    requests.length = 0
    const rest = new RestClient(url, () => 'token-0123456789', { maxPages: 3 })
    const result = await reconcile(rest, { watermark: at(0), trackedIds: [] })
    expect(result.truncated).toBe(true)
    expect(requests.filter((r) => r.includes('status=running'))).toHaveLength(3)
    expect(result.executions).toHaveLength(300)
  })
})
