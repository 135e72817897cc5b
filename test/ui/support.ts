import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { WebSocket } from 'ws'
import type { WsServerFrame } from '@shared/bridge/ws-protocol'

// Raw HTTP and WebSocket clients for the `ui` server tests: every header under the test's
// control (Host, Origin, Cookie, Sec-Fetch-Site), which fetch and browsers do not allow.

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** One HTTP request to 127.0.0.1:port with exactly these headers. */
export function rawRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string> } = {}
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

/** The `name=value` part of a Set-Cookie header. */
export function cookieOf(response: RawResponse): string {
  const header = response.headers['set-cookie']?.[0]
  if (!header) throw new Error(`no Set-Cookie (status ${response.status})`)
  return header.split(';')[0]!
}

/** Exchanges `key` for a session cookie, as the bootstrap page does. */
export async function exchangeKey(port: number, key: string): Promise<string> {
  const response = await rawRequest(port, {
    method: 'POST',
    path: '/session',
    headers: { origin: `http://127.0.0.1:${port}`, 'x-nebula-key': key }
  })
  if (response.status !== 204) throw new Error(`key exchange answered ${response.status}`)
  return cookieOf(response)
}

/** Tries a WebSocket upgrade; resolves with the HTTP status of a refusal, or the open socket. */
export function tryUpgrade(
  port: number,
  headers: Record<string, string>,
  path = '/bridge'
): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers })
    socket.once('unexpected-response', (_req, res) => {
      res.resume()
      resolve({ status: res.statusCode ?? 0 })
    })
    socket.once('open', () => resolve({ status: 101, socket }))
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.CLOSED) return
      reject(error)
    })
  })
}

/** A bridge client over an open socket: numbered commands and the frames received. */
export class BridgeClient {
  readonly frames: WsServerFrame[] = []
  private nextId = 1
  private readonly waiting = new Map<number, (frame: WsServerFrame) => void>()

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WsServerFrame
      this.frames.push(frame)
      if (frame.type === 'result') this.waiting.get(frame.id)?.(frame)
    })
  }

  /** Sends a command and resolves with its result frame. */
  call(method: string, payload?: unknown): Promise<Extract<WsServerFrame, { type: 'result' }>> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, (frame) => resolve(frame as Extract<WsServerFrame, { type: 'result' }>))
      this.socket.send(
        JSON.stringify(payload === undefined ? { id, method } : { id, method, payload })
      )
    })
  }

  /** Resolves with the close code once the server closes the socket. */
  closed(): Promise<number> {
    return new Promise((resolve) => this.socket.once('close', (code) => resolve(code)))
  }
}
