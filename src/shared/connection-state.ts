import { z } from 'zod'

/**
 * The monitor's connection state, as the core publishes it (CLI `state` lines, bridge events).
 * `syncing` sits between the socket opening and `open`: subscriptions are being confirmed and
 * REST reconciliation runs, so nothing that happened during a gap is missed. A session that is
 * `open` goes back to `syncing` while a subscription waits for the server's answer again.
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

/**
 * How much of what the monitor follows arrives live: `live` every subscription is confirmed;
 * `partial` some are confirmed and the rest (waiting or refused) are polled over REST; `polling`
 * none is confirmed and REST polling covers them; `none` nothing is covered yet (the first
 * moments of a sync, before reconciliation).
 */
export const CoverageLevelSchema = z.enum(['live', 'partial', 'polling', 'none'])
export type CoverageLevel = z.infer<typeof CoverageLevelSchema>

const count = z.number().int().nonnegative()

/** Live coverage, in subscriptions (one per followed workflow when following each workflow). */
export const CoverageSchema = z.object({
  level: CoverageLevelSchema,
  /** How everything is followed: `all` (one subscription), `per_workflow` (fallback), `chosen`. */
  follow: z.enum(['all', 'per_workflow', 'chosen']),
  /** Subscriptions the server confirmed. */
  live: count,
  /** Subscriptions sent (or queued) and not answered yet. */
  pending: count,
  /** Subscriptions the server refused (or left unanswered past the bound, for `all`). */
  refused: count,
  /** Of the pending and refused ones, how many REST polling covers right now. */
  polled: count
})
export type Coverage = z.infer<typeof CoverageSchema>

export const ConnectionStateSchema = z.object({
  state: ConnectionStateNameSchema,
  /** Attempt number, from 1: the one under way (connecting) or the failed ones in a row (reconnecting, offline). */
  attempt: z.number().int().positive().optional(),
  /** Milliseconds until the next attempt (reconnecting, offline). */
  retry_in_ms: z.number().int().nonnegative().optional(),
  /** Why the last connection ended or failed, redacted, for a person. */
  reason: z.string().optional(),
  /** The close code or HTTP status behind `reason`, when there was one. */
  code: z.number().int().optional(),
  /** Live coverage; present on every `syncing` and `open` state of a monitor session. */
  coverage: CoverageSchema.optional()
})
export type ConnectionState = z.infer<typeof ConnectionStateSchema>
