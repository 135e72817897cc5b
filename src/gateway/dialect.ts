import type { TokenClaims } from './auth'
import type { ServerMessage } from '@shared/protocol'

/** The dialects the gateway speaks (see docs/PROTOCOL.md). */
export const DIALECT_NAMES = ['extended', 'document'] as const

/**
 * `extended`: the document plus our extensions (`authenticate` message, `authenticated` reply,
 * `request_id` echo, `resource`/`id` on errors, `workflow_executions:all`). `document`: only what
 * the protocol document shows, so a client can be tested against a server that follows it to
 * the letter.
 */
export type DialectName = (typeof DIALECT_NAMES)[number]

/** True when `name` is one of the dialects. */
export function isDialectName(name: string): name is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(name)
}

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>

/** What an error is about: the message that caused it, and the subscription it concerns. */
interface ErrorContext {
  requestId?: string | undefined
  resource?: string
  id?: string
}

/**
 * Every difference between the dialects, in one place: which messages exist and which
 * correlation fields answers carry. The rest of the gateway asks this object instead of
 * checking the dialect's name.
 */
export class Dialect {
  /** Sockets may open without `?token=` and authenticate with an `authenticate` message. */
  readonly messageAuth: boolean
  /** `workflow_executions:all` may be accepted (the gateway's `allowAllExecutions` decides). */
  readonly followAll: boolean

  constructor(readonly name: DialectName) {
    this.messageAuth = name === 'extended'
    this.followAll = name === 'extended'
  }

  /** `{ request_id }` for an answer to a message that carried one (extended only). */
  correlate(requestId: string | undefined): { request_id?: string } {
    return this.name === 'extended' && requestId ? { request_id: requestId } : {}
  }

  /** An `error` frame: the document's `type`, `code`, `message`, plus our correlation fields. */
  error(code: string, message: string, about: ErrorContext = {}): ErrorMessage {
    if (this.name === 'document') return { type: 'error', code, message }
    return {
      type: 'error',
      code,
      message,
      ...(about.resource === undefined ? {} : { resource: about.resource }),
      ...(about.id === undefined ? {} : { id: about.id }),
      ...this.correlate(about.requestId)
    }
  }

  /** The answer to a successful authentication, or undefined where the dialect sends none. */
  authenticated(claims: TokenClaims, requestId: string | undefined): ServerMessage | undefined {
    if (this.name === 'document') return undefined
    return {
      type: 'authenticated',
      user_id: claims.sub,
      roles: claims.roles,
      ...this.correlate(requestId)
    }
  }
}
