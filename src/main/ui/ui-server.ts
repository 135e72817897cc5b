import { createServer } from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { STATUS_CODES } from 'node:http'
import { WebSocketServer } from 'ws'
import { BROWSER_CSP_HEADER } from '@shared/content-security-policy'
import { KEY_FRAGMENT_PARAM, UiPath } from '@shared/bridge/ws-protocol'
import { isLoopbackHost } from '@shared/loopback'
import { describeError } from '@shared/redact'
import type { BridgeHost } from '@main/app/bridge-host'
import { BOOTSTRAP_CSP, BOOTSTRAP_HTML } from './bootstrap-page'
import { BridgeSocket } from './bridge-socket'
import { readStaticFile } from './static-files'
import { UiGuard, randomSecret } from './ui-guard'

// `nebula-desktop ui`: the built dashboard served to a local browser, and the bridge contract
// over one WebSocket instead of Electron IPC — one hop replaced, nothing else. Every request
// passes UiGuard (Host, calling page, session); see docs/ARCHITECTURE.md "Browser mode".
//
// Statuses: 421 wrong Host · 403 another page (Origin / Sec-Fetch-Site) · 401 no session or a
// wrong key · 404 / 405. The only thing served without a session is the bootstrap page (for
// `GET /`): no data, just the key exchange (see bootstrap-page.ts).

export interface UiServerOptions {
  /** The app service's bridge. */
  bridge: BridgeHost
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** Interface to bind (default 127.0.0.1). Anything not loopback needs `allowRemote`. */
  host?: string
  /** Port (default 0: a free one). */
  port?: number
  allowRemote?: boolean
  /** The per-run key (default: 256 random bits). */
  key?: string
  /** Diagnostics; never receives the key or a cookie. */
  log?: (line: string) => void
}

export interface UiServer {
  /** `http://HOST:PORT/` (no key). */
  url: string
  /** The page's origin, `http://HOST:PORT`. */
  origin: string
  /** `url` + `#key=…`: the one line `ui` prints. */
  urlWithKey: string
  port: number
  /** Open bridge sockets. */
  connectionCount(): number
  /** Closes every socket and stops listening. */
  close(): Promise<void>
}

/** Thrown for a non-loopback host without `allowRemote`. */
export class RemoteHostRefusedError extends Error {
  override name = 'RemoteHostRefusedError'
}

const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin'
}

const PING_INTERVAL_MS = 30_000

/** Starts serving the dashboard; resolves once listening. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const bindHost = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(bindHost) && !options.allowRemote) {
    throw new RemoteHostRefusedError(
      `--host ${bindHost} is reachable from other machines; add --allow-remote to serve there anyway`
    )
  }
  const log = options.log ?? (() => {})
  const key = options.key ?? randomSecret()
  const sockets = new Set<BridgeSocket>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const server = createServer()
  const connections = new Set<Socket>()
  server.on('connection', (socket) => {
    connections.add(socket)
    socket.on('close', () => connections.delete(socket))
  })
  const port = await listen(server, options.port ?? 0, bindHost)
  const guard = new UiGuard(key, bindHost, port)
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost
  const origin = `http://${urlHost}:${port}`

  // Refusals that mean another page or host tried its luck are worth a line (401s are routine).
  const noteRefusal = (request: IncomingMessage, status: number): void => {
    if (status !== 403 && status !== 421) return
    const path = new URL(request.url ?? '/', 'http://x').pathname.slice(0, 100)
    log(
      `refused ${request.method ?? 'GET'} ${path} with ${status} (${status === 421 ? 'foreign Host' : 'another page'})`
    )
  }
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    response.once('finish', () => noteRefusal(request, response.statusCode))
    handleRequest(request, response, guard, options.rendererDir).catch((error: unknown) => {
      log(`request failed: ${describeError(error)}`)
      if (!response.headersSent) refuse(response, 500)
      else response.destroy()
    })
  })
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const status = upgradeVerdict(request, guard)
    if (status !== undefined) {
      noteRefusal(request, status)
      return rejectUpgrade(socket, status)
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const bridgeSocket = new BridgeSocket(ws, options.bridge, log)
      sockets.add(bridgeSocket)
      ws.on('close', () => sockets.delete(bridgeSocket))
    })
  })
  const ping = setInterval(() => {
    for (const socket of sockets) socket.heartbeat()
  }, PING_INTERVAL_MS)
  ping.unref()

  let closing: Promise<void> | undefined
  return {
    url: `${origin}/`,
    origin,
    urlWithKey: `${origin}/#${KEY_FRAGMENT_PARAM}=${key}`,
    port,
    connectionCount: () => sockets.size,
    close() {
      closing ??= (() => {
        clearInterval(ping)
        for (const socket of sockets) socket.close()
        wss.close()
        return stopServer(server, connections)
      })()
      return closing
    }
  }
}

/** Starts listening; resolves with the port. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Stops listening and ends every connection (keep-alive ones would hold close() open). */
function stopServer(server: Server, connections: Set<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    for (const connection of connections) connection.destroySoon()
    setTimeout(() => {
      for (const connection of connections) connection.destroy()
    }, 1_000).unref()
  })
}

/** The status refusing an upgrade, or undefined when it may proceed. */
function upgradeVerdict(request: IncomingMessage, guard: UiGuard): number | undefined {
  const verdict = guard.checkRequest(request, true)
  if (!verdict.ok) return verdict.status
  if (new URL(request.url ?? '/', 'http://x').pathname !== UiPath.bridge) return 404
  if (!guard.hasSession(request)) return 401
  return undefined
}

function rejectUpgrade(socket: Socket, status: number): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
  )
  socket.destroySoon()
}

async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  guard: UiGuard,
  rendererDir: string
): Promise<void> {
  const pathname = new URL(request.url ?? '/', 'http://x').pathname
  const method = request.method ?? 'GET'
  const isPage = pathname === '/' || pathname === '/index.html'
  const pageNavigation = isPage && method === 'GET' && isTopLevelNavigation(request)
  const verdict = guard.checkRequest(request, false, pageNavigation)
  if (!verdict.ok) return refuse(response, verdict.status)
  if (pathname === UiPath.session) {
    if (method === 'POST') {
      // The page's own fetch always says where it comes from; nothing else may exchange keys.
      if (request.headers.origin === undefined) return refuse(response, 403)
      const cookie = guard.exchangeKey(request)
      if (!cookie) return refuse(response, 401)
      response.writeHead(204, { ...SECURITY_HEADERS, 'set-cookie': cookie })
      return void response.end()
    }
    if (method === 'GET') return refuse(response, guard.hasSession(request) ? 204 : 401)
    return refuse(response, 405)
  }
  // Another site's navigation never sees the dashboard itself, session or not.
  if (!guard.hasSession(request) || !guard.fromOwnPage(request)) {
    if (isPage && method === 'GET') {
      // The one answer without a session: the bootstrap page, which holds no data. It is a 200
      // so a browser does not log an error for the page the person opened.
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': BOOTSTRAP_CSP
      })
      return void response.end(BOOTSTRAP_HTML)
    }
    return refuse(response, 401)
  }
  if (method !== 'GET' && method !== 'HEAD') return refuse(response, 405)
  // The dashboard has no icon of its own; answering keeps the console free of a 404.
  if (pathname === '/favicon.ico') return refuse(response, 204)
  const file = await readStaticFile(rendererDir, pathname)
  if (!file) return refuse(response, 404)
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': file.contentType,
    'content-length': file.body.length,
    ...(file.contentType.startsWith('text/html')
      ? { 'content-security-policy': BROWSER_CSP_HEADER }
      : {})
  })
  response.end(method === 'HEAD' ? undefined : file.body)
}

/** A top-level document navigation (the browser says so; frames and fetches are not). */
function isTopLevelNavigation(request: IncomingMessage): boolean {
  return (
    request.headers['sec-fetch-mode'] === 'navigate' &&
    request.headers['sec-fetch-dest'] === 'document'
  )
}

/** A bodiless answer: refusals say nothing beyond their status. */
function refuse(response: ServerResponse, status: number): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-length': 0 })
  response.end()
}
