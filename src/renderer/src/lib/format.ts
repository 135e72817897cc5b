// How times, durations and statuses read on screen. Pure functions; `now` is passed in so a
// view re-renders from one shared clock (see clock.ts).

/** The tone a status is drawn in (always with an icon and a word, never colour alone). */
export type Tone = 'running' | 'ok' | 'failed' | 'warning' | 'neutral' | 'pending'

const STATUS: Record<string, { label: string; tone: Tone }> = {
  created: { label: 'Created', tone: 'pending' },
  pending: { label: 'Pending', tone: 'pending' },
  queued: { label: 'Queued', tone: 'pending' },
  running: { label: 'Running', tone: 'running' },
  paused: { label: 'Paused', tone: 'warning' },
  cancelling: { label: 'Cancelling', tone: 'warning' },
  completed: { label: 'Completed', tone: 'ok' },
  failed: { label: 'Failed', tone: 'failed' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  timed_out: { label: 'Timed out', tone: 'failed' },
  skipped: { label: 'Skipped', tone: 'neutral' }
}

/** Label and tone of an execution or action status; unknown statuses are shown as sent. */
export function statusInfo(status: string): { label: string; tone: Tone } {
  const known = STATUS[status]
  if (known) return known
  const label = status.replace(/_/g, ' ')
  return { label: label.charAt(0).toUpperCase() + label.slice(1), tone: 'neutral' }
}

const ACTIVE = new Set(['created', 'pending', 'queued', 'running', 'paused', 'cancelling'])

/** True while an execution may still change (it can be cancelled). */
export function isActiveStatus(status: string): boolean {
  return ACTIVE.has(status)
}

/** Milliseconds of an ISO instant; NaN when absent or unreadable. */
export function toMs(iso: string | null | undefined): number {
  return iso ? Date.parse(iso) : NaN
}

/** "850 ms", "12.4 s", "3 m 05 s", "2 h 10 m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  const s = Math.floor(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`
}

/** How long between two instants (the end defaults to `now` for something still running). */
export function durationBetween(
  start: string | null | undefined,
  end: string | null | undefined,
  now: number
): string {
  const from = toMs(start)
  const to = end ? toMs(end) : now
  return formatDuration(to - from)
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", then the date. */
export function formatAgo(iso: string | null | undefined, now: number): string {
  const at = toMs(iso)
  if (Number.isNaN(at)) return '—'
  const s = Math.round((now - at) / 1000)
  if (s < 5) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return formatDate(at)
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Local time of day: "14:03:27". */
export function formatClock(ms: number): string {
  if (Number.isNaN(ms)) return '—'
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** Local time with milliseconds, for log lines: "14:03:27.051". */
export function formatLogTime(ms: number): string {
  if (Number.isNaN(ms)) return '—'.padEnd(12)
  return `${formatClock(ms)}.${pad(new Date(ms).getMilliseconds(), 3)}`
}

/** Local date and time: "2025-01-15 14:03". */
export function formatDate(ms: number): string {
  if (Number.isNaN(ms)) return '—'
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/**
 * What `Date.prototype.toLocaleString()` writes (numeric date and time in the page's locale),
 * from one formatter: `toLocaleString` builds a new one on every call, and tables call this per
 * row and per render.
 */
const FULL = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric'
})

/** Full local timestamp for tooltips. */
export function formatFull(iso: string | null | undefined): string {
  const ms = toMs(iso)
  return Number.isNaN(ms) ? '' : FULL.format(ms)
}

/** Seconds left until `deadline`, rounded up (0 when past). */
export function secondsUntil(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000))
}

const COUNT = new Intl.NumberFormat('en-US')

/** "1,234". */
export function formatCount(n: number): string {
  return COUNT.format(n)
}
