import type { IncomingMessage } from 'node:http'
import { networkInterfaces } from 'node:os'
import { ErrorCode } from '@shared/protocol'
import { isLoopbackHost } from '@shared/loopback'

/** Why a request is refused before it is routed or upgraded. */
interface Refusal {
  status: number
  code: string
  message: string
}

/** The code of a 421 for a `Host` that is not this gateway (DNS rebinding). */
export const MISDIRECTED_REQUEST = 'MISDIRECTED_REQUEST'

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

/** `[::1]:8000` → `::1`, `Example.test:80` → `example.test`; undefined when unparsable. */
function hostnameOf(authority: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(authority.trim())
  return match?.[1]?.toLowerCase().replace(/^\[|\]$/g, '')
}

function machineAddresses(): Set<string> {
  const out = new Set<string>()
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) out.add(entry.address.toLowerCase())
  }
  return out
}

/**
 * Refuses what a web page could make a browser send to a gateway on this machine: a `Host` that
 * names another site (a DNS-rebinding page reaching us under its own name) and, on WebSocket
 * upgrades, an `Origin` other than the gateway's own. Native clients send no `Origin`.
 */
export class RequestGuard {
  private readonly listenHost: string

  constructor(
    listenHost: string,
    /** The bound port (known once listening). */
    private readonly port: () => number
  ) {
    this.listenHost = listenHost.toLowerCase().replace(/^\[|\]$/g, '')
  }

  /** 421 unless `Host` names this gateway: loopback, or the address it listens on. */
  checkHost(req: IncomingMessage): Refusal | undefined {
    const host = req.headers.host
    const name = host === undefined ? undefined : hostnameOf(host)
    if (name !== undefined && this.isOwnName(name)) return undefined
    return {
      status: 421,
      code: MISDIRECTED_REQUEST,
      message:
        'the Host header does not name this gateway (use 127.0.0.1, localhost or its address)'
    }
  }

  /** 403 when an upgrade carries a browser `Origin` other than `http://HOST:PORT` of this gateway. */
  checkOrigin(req: IncomingMessage): Refusal | undefined {
    const origin = req.headers.origin
    if (origin === undefined) return undefined
    if (this.isOwnOrigin(origin)) return undefined
    return {
      status: 403,
      code: ErrorCode.Forbidden,
      message: 'cross-origin WebSocket connections are refused'
    }
  }

  private isOwnOrigin(origin: string): boolean {
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return false // "null" (sandboxed or file pages) and garbage alike
    }
    const port = url.port === '' ? 80 : Number(url.port)
    const name = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
    return url.protocol === 'http:' && port === this.port() && this.isOwnName(name)
  }

  private isOwnName(name: string): boolean {
    if (isLoopbackHost(name)) return true
    if (WILDCARDS.has(this.listenHost)) return machineAddresses().has(name)
    return name === this.listenHost
  }
}
