import type { Duplex } from 'node:stream'
import { CloseCode, ErrorCode, decodeClientFrame } from '@shared/protocol'
import type { TokenAuthority, TokenClaims } from './auth'
import { describeError } from '@shared/redact'
import type { Dialect } from './dialect'
import { rejectUpgrade } from './upgrade-rejection'
import type { ClientConnection } from './ws-connection'

/** Messages held while a token is being verified. */
const MAX_BACKLOG = 100

/** What the handshake needs from the server. */
interface AuthHandshakeOptions {
  auth: TokenAuthority
  dialect: Dialect
  authTimeoutMs: number
  log: (line: string) => void
  /** Handles one frame of an authenticated connection; the backlog is drained through it. */
  onAuthenticatedFrame: (conn: ClientConnection, text: string) => void
}

/** Authenticates connections (`?token=` or a timely `authenticate`), with refresh and expiry. */
export class AuthHandshake {
  /** Upgrade sockets whose token is still being verified. */
  private readonly pendingUpgrades = new Set<Duplex>()
  /** Open sockets that came without `?token=` and have not authenticated yet. */
  private readonly unauthenticated = new Set<ClientConnection>()
  private disposed = false

  constructor(private readonly opts: AuthHandshakeOptions) {}

  /** Open sockets still waiting to authenticate by message. */
  get pendingCount(): number {
    return this.unauthenticated.size
  }

  /** Verifies an upgrade's `?token=`: `proceed` gets its claims, a bad token is answered 401. */
  verifyUpgrade(socket: Duplex, token: string, proceed: (claims: TokenClaims) => void): void {
    this.pendingUpgrades.add(socket)
    this.opts.auth
      .verify(token)
      .then((result) => {
        this.pendingUpgrades.delete(socket)
        if (this.disposed || socket.destroyed) {
          socket.destroy()
          return
        }
        if (!result.ok) {
          this.opts.log(`ws: refused upgrade (token ${result.reason})`)
          rejectUpgrade(socket, 401, ErrorCode.Unauthorized, 'invalid or expired token')
          return
        }
        proceed(result.claims)
      })
      .catch((error: unknown) => {
        // Never an unhandled rejection: that would take the whole process down.
        this.pendingUpgrades.delete(socket)
        this.opts.log(`ws: upgrade failed: ${describeError(error)}`)
        socket.destroy()
      })
  }

  /** Starts a new connection: claims from the upgrade count at once, else the deadline runs. */
  begin(conn: ClientConnection, claims: TokenClaims | undefined): void {
    if (claims) {
      this.accept(conn, claims, undefined)
      return
    }
    this.unauthenticated.add(conn)
    conn.armAuthTimeout(this.opts.authTimeoutMs, () => {
      conn.close(
        CloseCode.Unauthorized,
        'authentication timeout',
        this.opts.dialect.error(
          ErrorCode.Unauthorized,
          `no authenticate message within ${this.opts.authTimeoutMs}ms`
        )
      )
    })
  }

  /** Handles a frame of a connection that is awaiting authentication or being verified. */
  receive(conn: ClientConnection, text: string): void {
    if (conn.state === 'authenticating') {
      if (conn.backlog.length >= MAX_BACKLOG) {
        conn.close(CloseCode.PolicyViolation, 'too many messages before authentication')
        return
      }
      conn.backlog.push(text)
      return
    }
    const decoded = decodeClientFrame(text)
    if (decoded.ok && decoded.message.type === 'authenticate') {
      this.authenticate(conn, decoded.message.token, decoded.message.request_id)
      return
    }
    const requestId = decoded.ok ? decoded.message.request_id : decoded.requestId
    conn.close(
      CloseCode.Unauthorized,
      'unauthorized',
      this.opts.dialect.error(
        ErrorCode.Unauthorized,
        'authenticate first: send {"type":"authenticate","token":...} or connect with ?token=',
        { requestId }
      )
    )
  }

  /** Verifies the token of an `authenticate` message: a first login or a token refresh. */
  authenticate(conn: ClientConnection, token: string, requestId: string | undefined): void {
    this.verifyMessageToken(conn, token, requestId).catch((error: unknown) => {
      this.opts.log(`ws: connection ${conn.id} authentication failed: ${describeError(error)}`)
      conn.close(CloseCode.InternalError, 'internal error')
    })
  }

  /** Closes a connection whose token has expired: `error` UNAUTHORIZED, then 4401. */
  expire(conn: ClientConnection): void {
    this.opts.log(`ws: connection ${conn.id} token expired; closing 4401`)
    const expired = this.opts.dialect.error(ErrorCode.Unauthorized, 'token expired')
    conn.close(CloseCode.Unauthorized, 'token expired', expired)
  }

  /** Forgets a connection that has closed. */
  forget(conn: ClientConnection): void {
    this.unauthenticated.delete(conn)
  }

  /** Destroys upgrades still being verified; verifications that finish later are dropped. */
  dispose(): void {
    this.disposed = true
    for (const socket of this.pendingUpgrades) socket.destroy()
    this.pendingUpgrades.clear()
    this.unauthenticated.clear()
  }

  /**
   * Before authentication a bad token closes with 4401; on an authenticated connection it is a
   * token refresh, and a bad one is refused with an error while the session continues on the
   * old token.
   */
  private async verifyMessageToken(
    conn: ClientConnection,
    token: string,
    requestId: string | undefined
  ): Promise<void> {
    const previous = conn.claims
    conn.state = 'authenticating'
    const result = await this.opts.auth.verify(token)
    if ((conn.state as string) === 'closed') return
    if (!result.ok || (previous && result.claims.sub !== previous.sub)) {
      const message = result.ok
        ? 'token belongs to a different user'
        : `authentication failed: token ${result.reason.replace(/_/g, ' ')}`
      this.opts.log(`ws: connection ${conn.id} ${message}`)
      if (!previous) {
        const refusal = this.opts.dialect.error(ErrorCode.Unauthorized, message, { requestId })
        conn.close(CloseCode.Unauthorized, 'unauthorized', refusal)
        return
      }
      conn.state = 'authenticated'
      conn.send(this.opts.dialect.error(ErrorCode.Unauthorized, message, { requestId }))
      this.drainBacklog(conn)
      return
    }
    this.accept(conn, result.claims, requestId)
  }

  private accept(conn: ClientConnection, claims: TokenClaims, requestId: string | undefined): void {
    conn.clearAuthTimeout()
    this.unauthenticated.delete(conn)
    conn.claims = claims
    conn.state = 'authenticated'
    conn.armExpiry(claims.exp, () => this.expire(conn))
    const announcement = this.opts.dialect.authenticated(claims, requestId)
    if (announcement) conn.send(announcement)
    this.drainBacklog(conn)
  }

  private drainBacklog(conn: ClientConnection): void {
    while (conn.backlog.length > 0 && conn.state === 'authenticated') {
      this.opts.onAuthenticatedFrame(conn, conn.backlog.shift() as string)
    }
  }
}
