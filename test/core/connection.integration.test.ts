import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { NebulaConnection } from '@main/core/connection'
import type { ConnectionOptions } from '@main/core/connection'
import type { ConnectionState } from '@shared/connection-state'
import { WS_PATH } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { freePort } from './support'
import { useCleanup } from '../helpers/cleanup'

// NebulaConnection against raw servers (real sockets): the fast loop, giving up, nudging,
// servers that accept and drop, and a token that changes while it is being read.

const TOKEN = 'conn-test-token-0123456789'

const cleanup = useCleanup()

function track(options: Partial<ConnectionOptions> & Pick<ConnectionOptions, 'server'>): {
  connection: NebulaConnection
  states: ConnectionState[]
  logs: string[]
} {
  const states: ConnectionState[] = []
  const logs: string[] = []
  const connection = new NebulaConnection({
    getToken: () => TOKEN,
    log: (line) => logs.push(line),
    ...options,
    backoff: { baseMs: 10, capMs: 50, ...options.backoff },
    onInvalidTransition: 'throw'
  })
  connection.lifecycle.on('state', (s) => states.push(s))
  cleanup.push(() => connection.dispose())
  return { connection, states, logs }
}

async function rawServer(onConnection: (ws: import('ws').WebSocket) => void): Promise<{
  port: number
  connections: () => number
  roundTrip: () => Promise<void>
}> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: WS_PATH })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  let count = 0
  server.on('connection', (ws) => {
    count++
    onConnection(ws)
  })
  /** A WebSocket ping to every client and its pong back. */
  const roundTrip = async (): Promise<void> => {
    await Promise.all(
      [...server.clients].map(
        (client) => new Promise<void>((resolve) => client.once('pong', () => resolve()).ping())
      )
    )
  }
  cleanup.push(() => {
    for (const client of server.clients) client.terminate()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { port: (server.address() as AddressInfo).port, connections: () => count, roundTrip }
}

describe('NebulaConnection', () => {
  it('gives up the fast loop after 10 failed attempts, then waits for the slow retry or a nudge', async () => {
    const port = await freePort()
    const { connection, states } = track({
      server: `http://127.0.0.1:${port}`,
      backoff: { slowRetryMs: 60_000 }
    })
    connection.start()
    await waitUntil(() => connection.state.state === 'offline', { what: 'offline' })
    const offline = connection.state
    expect(offline.attempt).toBe(10)
    expect(offline.retry_in_ms).toBe(60_000)
    expect(offline.reason).toMatch(/ECONNREFUSED/)
    expect(states.filter((s) => s.state === 'connecting')).toHaveLength(10)

    connection.nudge()
    expect(connection.state.state).toBe('connecting')
    expect(connection.state.attempt).toBe(1)
    await waitUntil(() => connection.state.state === 'reconnecting', { what: 'the next failure' })
    expect(JSON.stringify(states)).not.toContain(TOKEN)
    connection.dispose()
    expect(connection.hasLiveResources()).toBe(false)
  })

  it('keeps following a server that accepts and drops every connection, never going offline', async () => {
    const server = await rawServer((ws) => ws.close(1011, 'crashed'))
    const { connection, states } = track({ server: `http://127.0.0.1:${server.port}` })
    connection.start()
    await waitUntil(() => server.connections() >= 15, { what: '15 accepted connections' })
    expect(states.some((s) => s.state === 'offline')).toBe(false)
    // The backoff still grows: the attempt counter only resets after a stable connection.
    const attempts = states.filter((s) => s.state === 'reconnecting').map((s) => s.attempt ?? 0)
    expect(attempts.slice(0, 5)).toEqual([1, 2, 3, 4, 5])
    expect(states.filter((s) => s.state === 'reconnecting').every((s) => s.code === 1011)).toBe(
      true
    )
  })

  it('opens one socket when the token changes while it is being read', async () => {
    const server = await rawServer(() => {})
    const reads: Array<(token: string) => void> = []
    const { connection } = track({
      server: `http://127.0.0.1:${server.port}`,
      getToken: () => new Promise<string>((resolve) => reads.push(resolve))
    })
    connection.start()
    await waitUntil(() => reads.length === 1, { what: 'first token read' })
    connection.tokenChanged()
    await waitUntil(() => reads.length === 2, { what: 'second token read' })
    reads[1]!(`${TOKEN}-new`)
    reads[0]!(`${TOKEN}-old`)
    // A bare connection stops at `syncing` (socket up): nothing above it syncs.
    await waitUntil(() => connection.state.state === 'syncing', { what: 'the socket open' })
    // The overtaken read resolved first, so a second socket would already be on its way:
    // after a round trip on the open one, the server has seen every socket this made.
    await server.roundTrip()
    expect(server.connections()).toBe(1)
  })

  it('stays closed when a token read that was pending at dispose() fails afterwards', async () => {
    let fail: (error: Error) => void = () => {}
    const { connection, states } = track({
      server: 'http://127.0.0.1:9',
      getToken: () => new Promise<string>((_, reject) => (fail = reject))
    })
    connection.start()
    connection.dispose()
    fail(new Error('keychain locked'))
    await new Promise((resolve) => setImmediate(resolve)) // the rejection is handled by now
    expect(connection.state.state).toBe('closed')
    expect(states.map((s) => s.state)).toEqual(['connecting', 'closed'])
  })

  it('treats a server that never answers the upgrade as a connect timeout, and never leaks the token', async () => {
    const blackHole = createServer(() => {})
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
    cleanup.push(() => {
      blackHole.close()
    })
    const port = (blackHole.address() as AddressInfo).port
    const { connection, states, logs } = track({
      server: `ws://127.0.0.1:${port}`,
      connectTimeoutMs: 200
    })
    connection.start()
    await waitUntil(() => states.filter((s) => s.state === 'reconnecting').length >= 2, {
      what: 'two timed-out attempts'
    })
    expect(states.find((s) => s.state === 'reconnecting')?.reason).toBe('connect timeout')
    connection.dispose()
    expect(connection.hasLiveResources()).toBe(false)
    expect([...logs, JSON.stringify(states)].join('\n')).not.toContain(TOKEN)
  })
})
