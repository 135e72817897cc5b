// Times in milliseconds as the notification policy keeps them: ascending lists, and the earlier
// of two optional due times.

/** Adds `at` to ascending `list`, keeping it ascending (a clock may step back). */
export function insertSorted(list: number[], at: number): void {
  let i = list.length
  while (i > 0 && list[i - 1]! > at) i--
  list.splice(i, 0, at)
}

/** Removes from ascending `list` every time at or before `cutoff` (a prefix: no copy). */
export function dropUpTo(list: number[], cutoff: number): void {
  let expired = 0
  while (expired < list.length && list[expired]! <= cutoff) expired++
  if (expired > 0) list.splice(0, expired)
}

/** The earlier of two optional times. */
export function earlier(a: number | undefined, b: number | undefined): number | undefined {
  return b !== undefined && (a === undefined || b < a) ? b : a
}
