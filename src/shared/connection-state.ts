import { z } from 'zod'

/**
 * The monitor's connection state, as the core publishes it (CLI `state` lines, bridge events).
 * `syncing` sits between the socket opening and `open`: subscriptions are being re-established
 * and REST reconciliation runs, so nothing that happened during a gap is missed.
 */
export const ConnectionStateNameSchema = z.enum([
  'connecting',
  'syncing',
  'open',
  'reconnecting',
  'offline',
  'auth_failed',
  'closed'
])
export type ConnectionStateName = z.infer<typeof ConnectionStateNameSchema>

export const ConnectionStateSchema = z.object({
  state: ConnectionStateNameSchema,
  /** Attempt number, from 1: the one under way (connecting) or the failed ones in a row (reconnecting, offline). */
  attempt: z.number().int().positive().optional(),
  /** Milliseconds until the next attempt (reconnecting, offline). */
  retry_in_ms: z.number().int().nonnegative().optional(),
  /** Why the last connection ended or failed, redacted, for a person. */
  reason: z.string().optional(),
  /** The close code or HTTP status behind `reason`, when there was one. */
  code: z.number().int().optional()
})
export type ConnectionState = z.infer<typeof ConnectionStateSchema>
