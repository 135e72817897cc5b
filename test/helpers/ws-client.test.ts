import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import {
  ProtocolViolationError,
  UpgradeRejectedError,
  closeAllClients,
  ofType,
  openClient,
  upgradeStatus
} from './ws-client'

// The test client itself, against a scripted `ws` server on a real socket: it must turn a
// schema-invalid server frame into a failure, unwrap batches, and order `next` correctly.

let server: WebSocketServer
let url: string
/** What the scripted server sends for each text it receives (keyed by the client's text). */
const script = new Map<string, (socket: WebSocket) => void>()

beforeAll(async () => {
  server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    verifyClient: (info, done) => {
      if (info.req.url?.includes('reject')) done(false, 401, 'Unauthorized')
      else done(true)
    }
  })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`
  server.on('connection', (socket) => {
    socket.on('message', (data) => script.get(data.toString())?.(socket))
  })
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})
afterEach(async () => {
  script.clear()
  await closeAllClients()
})

describe('openClient', () => {
  it('fails waits and close() when the server sends a schema-invalid message', async () => {
    script.set('go', (s) => {
      s.send(JSON.stringify({ type: 'pong' }))
      // No workflow_id: a field the monitor depends on, so even the lenient decoder refuses it.
      s.send(JSON.stringify({ type: 'execution_update', execution: { id: 'exec_1' } }))
    })
    const client = await openClient(url)
    client.sendRaw('go')
    await expect(client.waitFor(ofType('execution_update'))).rejects.toBeInstanceOf(
      ProtocolViolationError
    )
    await expect(client.close()).rejects.toBeInstanceOf(ProtocolViolationError)
    await expect(closeAllClients()).rejects.toThrow(/workflow_id/)
  })

  it('treats unknown message types, non-JSON and binary frames as violations', async () => {
    script.set('go', (s) => {
      s.send(JSON.stringify({ type: 'surprise' }))
      s.send('not json')
      s.send(Buffer.from('{}'), { binary: true })
      s.send(JSON.stringify({ type: 'pong', request_id: 'end' }))
    })
    const client = await openClient(url)
    client.sendRaw('go')
    await expect(client.next(ofType('pong'))).rejects.toBeInstanceOf(ProtocolViolationError)
    expect(client.violations).toHaveLength(3)
    client.violations.length = 0 // accepted for this test only
  })

  it('unwraps batches, validating each entry, and hands out messages in order', async () => {
    script.set('go', (s) => {
      s.send(
        JSON.stringify({
          type: 'batch',
          messages: [
            { type: 'pong', request_id: 'a' },
            { type: 'pong', request_id: 'b' }
          ]
        })
      )
      s.send(JSON.stringify({ type: 'pong', request_id: 'c' }))
    })
    const client = await openClient(url)
    client.sendRaw('go')
    const ids = [await client.next(), await client.next(), await client.next()].map(
      (m) => m.request_id
    )
    expect(ids).toEqual(['a', 'b', 'c'])
    expect(client.batchFrames).toBe(1)
    // waitFor does not take: it still finds a message next() already handed out.
    expect((await client.waitFor(ofType('pong', (m) => m.request_id === 'a'))).request_id).toBe('a')
  })

  it('next() with a predicate skips non-matching messages and leaves them for later', async () => {
    script.set('go', (s) => {
      s.send(JSON.stringify({ type: 'pong', request_id: 'first' }))
      s.send(JSON.stringify({ type: 'error', code: 'X', message: 'm' }))
    })
    const client = await openClient(url)
    client.sendRaw('go')
    expect((await client.next(ofType('error'))).code).toBe('X')
    expect((await client.next()).request_id).toBe('first')
  })

  it('rejects a wait at once when the connection closes', async () => {
    script.set('bye', (s) => s.close(4401, 'go away'))
    const client = await openClient(url)
    client.sendRaw('bye')
    await expect(client.next(ofType('pong'), 10_000)).rejects.toThrow(/closed \(4401 go away\)/)
  })

  it('reports an HTTP answer to the upgrade as UpgradeRejectedError with its status', async () => {
    await expect(openClient(`${url}?reject=1`)).rejects.toBeInstanceOf(UpgradeRejectedError)
    expect(await upgradeStatus(`${url}?reject=1`)).toBe(401)
    expect(await upgradeStatus(url)).toBe(101)
  })

  it('times out with a readable message', async () => {
    const client = await openClient(url)
    await expect(client.next(ofType('pong'), 50, 'a pong')).rejects.toThrow(
      /timed out after 50 ms waiting for a pong/
    )
  })
})
