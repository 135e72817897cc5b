import fc from 'fast-check'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import type WebSocket from 'ws'
import { NebulaConnection } from '@main/core/connection'
import { WS_PATH, decodeServerFrame } from '@shared/protocol'
import type { Rejected, ServerMessage } from '@shared/protocol'
import { waitUntil } from '../helpers/wait'
import { inboundTextFrame } from './arbitraries'

// A tiny raw WebSocket server (real socket) that sends whatever the test wants: the connection
// reports each bad frame as `invalid`, delivers the good ones in order, and stays open.

let server: WebSocketServer
let peer: WebSocket | undefined
let connection: NebulaConnection
const messages: ServerMessage[] = []
const invalid: Rejected[] = []
const droppedFields: string[] = []
const logs: string[] = []
let sentinel = 0
/** The raw server's answers to heartbeat pings carry this id, so the checks can skip them. */
const HEARTBEAT_ID = '__heartbeat__'

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: WS_PATH })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  server.on('connection', (ws) => {
    peer = ws
    // Answer pings like a server would, so the heartbeat never trips during the fuzz.
    ws.on('message', (data) => {
      const text = data.toString()
      if (text.includes('"ping"'))
        ws.send(JSON.stringify({ type: 'pong', request_id: HEARTBEAT_ID }))
    })
  })
  const { port } = server.address() as AddressInfo
  connection = new NebulaConnection({
    server: `http://127.0.0.1:${port}`,
    getToken: () => 'raw-server-token-123456',
    heartbeatMs: 1_000,
    pongTimeoutMs: 5_000,
    backoff: { baseMs: 10, capMs: 50 },
    onInvalidTransition: 'throw',
    log: (line) => logs.push(line)
  })
  connection.on('message', (m) => messages.push(m))
  connection.on('invalid', (r) => invalid.push(r))
  connection.on('fields_dropped', (fields) => droppedFields.push(...fields))
  connection.start()
  // A bare connection stops at `syncing` (socket up): nothing above it syncs.
  await waitUntil(() => connection.state.state === 'syncing' && peer !== undefined, {
    what: 'connection to the raw server'
  })
})

afterAll(async () => {
  connection.dispose()
  await waitUntil(() => !connection.hasLiveResources(), { what: 'the socket released' })
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** Sends frames, then a sentinel; resolves with what the connection reported in between. */
async function exchange(
  frames: Array<string | Buffer>
): Promise<{ messages: ServerMessage[]; invalid: Rejected[] }> {
  const m0 = messages.length
  const i0 = invalid.length
  const mark = `sentinel-${++sentinel}`
  for (const frame of frames) peer!.send(frame, { binary: Buffer.isBuffer(frame) })
  peer!.send(JSON.stringify({ type: 'pong', request_id: mark }))
  await waitUntil(() => messages.some((m) => m.request_id === mark), {
    what: `sentinel ${mark}`,
    timeoutMs: 5_000
  })
  const got = messages
    .slice(m0)
    .filter((m) => m.request_id !== mark && m.request_id !== HEARTBEAT_ID)
  return { messages: got, invalid: invalid.slice(i0) }
}

const pong = (requestId: string): string => JSON.stringify({ type: 'pong', request_id: requestId })

describe('garbage from the server', () => {
  it('reports each bad frame as invalid, delivers the good ones, and stays open', async () => {
    const huge = `{"type":"log","log":{"execution_id":"e","timestamp":"t","level":"info","message":"${'x'.repeat(1024 * 1024)}"}}`
    const result = await exchange([
      'not json at all',
      '',
      '[1,2,3]',
      'null',
      '42',
      '{"no":"type"}',
      '{"type":42}',
      '{"type":"bogus_future_message"}',
      '{"type":"execution_update"}',
      '{"type":"execution_update","execution":{"id":"e1","workflow_id":"w","status":"running","progress":{"current_action":1,"total_actions":2,"percentage":1e308}}}',
      '{"type":"pong","request_id":1e999}',
      '{"type":"subscribed","resource":"","id":"x"}',
      '{"__proto__":{"type":"pong"}}',
      Buffer.from([0x00, 0xff, 0x10, 0x80]),
      huge,
      pong('good-1'),
      JSON.stringify({
        type: 'batch',
        messages: [
          { type: 'pong', request_id: 'good-2' },
          'a string',
          { type: 'nope' },
          { type: 'batch', messages: [{ type: 'pong', request_id: 'nested' }] },
          null,
          { type: 'pong', request_id: 'good-3' }
        ]
      }),
      '{"type":"batch","messages":"not an array"}',
      pong('good-4')
    ])
    // Three frames are odd only in fields the monitor does not depend on: kept, with the odd
    // field dropped (a huge percentage is still a number, so it is kept as sent).
    expect(result.messages.slice(0, 3)).toEqual([
      {
        type: 'execution_update',
        execution: {
          id: 'e1',
          workflow_id: 'w',
          status: 'running',
          progress: { current_action: 1, total_actions: 2, percentage: 1e308 }
        }
      },
      { type: 'pong' },
      { type: 'subscribed', id: 'x' }
    ])
    expect(droppedFields.slice(-2)).toEqual(['pong.request_id', 'subscribed.resource'])
    expect(result.messages.slice(3).map((m) => m.request_id)).toEqual([
      'good-1',
      'good-2',
      'good-3',
      'good-4'
    ])
    // 12 bad frames before good-1 (binary and oversized included), 4 bad batch entries, and a
    // batch whose `messages` is not an array (rejected as one message).
    expect(result.invalid).toHaveLength(12 + 4 + 1)
    expect(result.invalid.map((r) => r.reason)).toEqual(
      expect.arrayContaining(['malformed_json', 'not_an_object', 'unknown_type', 'invalid'])
    )
    expect(result.invalid.some((r) => r.detail === 'binary frame')).toBe(true)
    expect(connection.state.state).toBe('syncing')
    expect(logs.filter((l) => l.includes('listener failed'))).toEqual([])
  })

  it('survives a property-based fuzz of inbound frames, agreeing with the decoder', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 9, arbitrary: inboundTextFrame },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) }
        ),
        async (frame) => {
          const result = await exchange([frame])
          if (Buffer.isBuffer(frame)) {
            expect(result.messages).toEqual([])
            expect(result.invalid).toHaveLength(1)
          } else {
            // What crossed the wire is the UTF-8 form of the string (lone surrogates replaced).
            const expected = decodeServerFrame(Buffer.from(frame, 'utf8').toString('utf8'))
            expect(result.messages).toEqual(expected.messages)
            expect(result.invalid).toEqual(expected.rejected)
          }
          expect(connection.state.state).toBe('syncing')
        }
      ),
      { numRuns: 200 }
    )
  })
})
