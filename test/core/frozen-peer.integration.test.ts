import { describe, expect, it } from 'vitest'
import { waitUntil } from '../helpers/wait'
import {
  DIALECTS,
  startDialectGateway,
  startSession,
  TcpProxy,
  testSessionOptions
} from './support'
import { useCleanup } from '../helpers/cleanup'

// A zombie connection: the peer stops reading and answering but never closes (a frozen TCP
// proxy, real sockets). The heartbeat must notice and reconnect once the path works again.

const HEARTBEAT_MS = 200
const PONG_TIMEOUT_MS = 300
/** Generous slack for a loaded 2-core machine; the point is "detected", not "how fast". */
const SLACK_MS = 2_500

const cleanup = useCleanup()

describe.each(DIALECTS)('frozen peer (%s dialect)', (dialect) => {
  it('leaves open within heartbeat + pong timeout, then reconnects when the path thaws', async () => {
    const gateway = await startDialectGateway(dialect)
    cleanup.push(() => gateway.close())
    const proxy = await TcpProxy.start(gateway.port)
    cleanup.push(() => proxy.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(
      testSessionOptions(proxy.url, () => token, {
        connection: {
          heartbeatMs: HEARTBEAT_MS,
          pongTimeoutMs: PONG_TIMEOUT_MS,
          connectTimeoutMs: 500
        }
      })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    // Several heartbeats pass while the path is healthy: no false alarm.
    const healthySince = rec.states.length
    await waitUntil(() => gateway.stats().messagesReceived >= 3, { what: 'a few pings' })
    expect(rec.states.slice(healthySince)).toEqual([])

    proxy.freeze()
    const frozenAt = Date.now()
    await rec.waitForCount('reconnecting', 1, HEARTBEAT_MS + PONG_TIMEOUT_MS + SLACK_MS)
    const detectedAfter = Date.now() - frozenAt
    const dropped = rec.states.find((s) => s.state === 'reconnecting')
    expect(dropped?.reason).toBe('heartbeat timeout')
    expect(detectedAfter).toBeLessThan(HEARTBEAT_MS + PONG_TIMEOUT_MS + SLACK_MS)
    expect(session.isLive).toBe(false)

    // While frozen, new attempts cannot complete their handshake either.
    await rec.explain(
      waitUntil(
        () => rec.states.some((s) => s.state === 'reconnecting' && s.reason === 'connect timeout'),
        { timeoutMs: 5_000, what: 'a connect timeout while frozen' }
      )
    )
    expect(rec.count('open')).toBe(1)

    proxy.unfreeze()
    await rec.waitForCount('open', 2, 10_000)
    await waitUntil(() => rec.state === 'open' && gateway.stats().authenticatedConnections === 1, {
      what: 'one live socket after the thaw'
    })
    expect(rec.states.some((s) => s.state === 'offline')).toBe(false)
  })
})

describe.each(DIALECTS)('closing while the peer is frozen (%s dialect)', (dialect) => {
  it('releases the socket promptly instead of waiting for a close frame that never comes', async () => {
    const gateway = await startDialectGateway(dialect)
    cleanup.push(() => gateway.close())
    const proxy = await TcpProxy.start(gateway.port)
    cleanup.push(() => proxy.close())
    const token = await gateway.mintToken()
    const { session, rec } = startSession(testSessionOptions(proxy.url, () => token))
    await rec.waitForState('open')
    await waitUntil(() => proxy.openWsConnections === 1)
    proxy.freeze()
    const closedAt = Date.now()
    session.dispose()
    // The client drops its socket within a couple of seconds; `ws` alone would wait 30 s for
    // the close frame the frozen peer never sends, keeping a `watch` process from exiting.
    await waitUntil(() => proxy.openWsConnections === 0, {
      timeoutMs: 5_000,
      what: 'the client socket to be released'
    })
    expect(Date.now() - closedAt).toBeLessThan(5_000)
    await waitUntil(() => !session.hasLiveResources(), { what: 'every session resource released' })
  })
})
