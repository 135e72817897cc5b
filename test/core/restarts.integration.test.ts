import { describe, expect, it } from 'vitest'
import type { MonitorSession } from '@main/core/session'
import { waitUntil } from '../helpers/wait'
import { isFailureStatus, isTerminalStatus } from '@shared/protocol'
import {
  DIALECTS,
  RestartableGateway,
  resourceCounts,
  startSession,
  testSessionOptions
} from './support'
import { useCleanup } from '../helpers/cleanup'

// 50 gateway restarts under one running MonitorSession (shared engine, same port) while the
// engine keeps running executions, 30% of which fail: the session comes back every time, every
// failure is alerted exactly once, and afterwards nothing is left behind.

const RESTARTS = 50

const cleanup = useCleanup()

/** Sockets and timers of this process, ignoring the kinds that vitest itself keeps. */
function handleCounts(): { sockets: number; timers: number } {
  const counts = resourceCounts()
  return { sockets: counts.TCPSocketWrap ?? 0, timers: counts.Timeout ?? 0 }
}

describe.each(DIALECTS)('MonitorSession across gateway restarts (%s dialect)', (dialect) => {
  it(`reaches open after each of ${RESTARTS} restarts, alerts each failure once, leaks nothing`, async () => {
    const rig = await RestartableGateway.start(
      { autoRun: false, actionDelayMs: [5, 20], seed: 99, failureRate: 0.3 },
      { dialect }
    )
    cleanup.push(() => rig.dispose())
    const { engine } = rig
    const token = await rig.gateway.mintToken({ sub: 'restart-user' })
    const before = handleCounts()

    // The real fast-loop limit (10): restarts that reconnect each time must never count as
    // attempts that failed in a row.
    const { session, rec } = startSession(
      testSessionOptions(rig.gateway.url, () => token, {
        connection: {
          backoff: { baseMs: 10, capMs: 50, maxFastAttempts: 10 },
          // The per-workflow fallback re-sends 5 subscriptions per restart: 250 messages in
          // seconds would (rightly) wait a minute for the real limit's window. This gateway
          // allows 100 000 per minute, so the client may send that much.
          pacing: { limit: 10_000, windowMs: 60_000 }
        }
      })
    )
    cleanup.push(() => session.dispose())
    await rec.waitForState('open')
    const listeners = listenerCounts(session)
    engine.setAutoRun(true)

    for (let i = 1; i <= RESTARTS; i++) {
      const opens = rec.count('open')
      const syncs = rec.count('syncing')
      await rig.restart()
      if (i % 5 === 0) {
        // Every fifth time, pull the server away again as soon as the socket opens (usually
        // while the session is still re-subscribing and reconciling).
        await rec.waitForCount('syncing', syncs + 1)
        await rig.restart()
      }
      // Open on the new server: the one socket of the session is now this gateway's.
      await rec.explain(
        waitUntil(
          () =>
            rec.state === 'open' &&
            rec.count('open') > opens &&
            rig.gateway.stats().authenticatedConnections === 1,
          { timeoutMs: 10_000, what: `open after restart ${i}` }
        )
      )
    }
    engine.setAutoRun(false)
    await waitUntil(() => engine.listExecutions().every((e) => isTerminalStatus(e.status)), {
      what: 'background executions to finish'
    })
    const failed = engine
      .listExecutions()
      .filter((e) => isFailureStatus(e.status))
      .map((e) => e.id)
    expect(failed.length).toBeGreaterThan(5)
    await waitUntil(() => failed.every((id) => rec.alertsFor(id).length > 0), {
      timeoutMs: 10_000,
      what: `an alert for each of ${failed.length} failures`
    })
    for (const id of failed) expect(rec.alertsFor(id), id).toHaveLength(1)
    expect(rec.alerts).toHaveLength(failed.length)
    expect(rec.count('open')).toBeGreaterThan(RESTARTS)
    expect(session.isLive).toBe(true)
    await waitUntil(() => rig.gateway.stats().connections === 1, { what: 'exactly one socket' })
    // Nothing accumulated over 50 reconnects (sync waits add and remove listeners each time).
    expect(listenerCounts(session)).toEqual(listeners)
    expect(rec.states.some((s) => s.state === 'offline' || s.state === 'auth_failed')).toBe(false)

    session.dispose()
    // The socket closes politely (code 1000, at most a second's grace): then nothing is left.
    await waitUntil(() => !session.hasLiveResources(), { what: 'every session resource released' })
    expect(session.connection.listenerCount()).toBe(0)
    expect(session.subscriptions.listenerCount()).toBe(0)
    await waitUntil(() => rig.gateway.stats().connections === 0, {
      what: 'server to see the close'
    })
    await rig.stop()
    // Every socket and timer the session made is gone (fetch's pooled sockets close with the
    // server; the engine's timers finished because nothing runs).
    await waitUntil(
      () => {
        const now = handleCounts()
        return now.sockets <= before.sockets && now.timers <= before.timers
      },
      { timeoutMs: 5_000, what: `handles back to ${JSON.stringify(before)}` }
    ).catch((error: Error) => {
      throw new Error(`${error.message}; now ${JSON.stringify(handleCounts())}`)
    })
  }, 90_000)
})

function listenerCounts(session: MonitorSession): { connection: number; subscriptions: number } {
  return {
    connection: session.connection.listenerCount(),
    subscriptions: session.subscriptions.listenerCount()
  }
}
