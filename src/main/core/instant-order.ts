// Comparing server timestamps sits on the hot path (is an update stale? does the watermark
// move?). Date.parse costs about 170 ns; two timestamps in the form toISOString() writes
// (`YYYY-MM-DDTHH:MM:SS.sssZ`, or without the fraction) naming a real date and time order like
// their text, which compares in a few ns. Anything else takes Date.parse, so the answer is
// always the one Date.parse would give (V8 rolls "02-30" over to March, hence the day check).

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** The number written at `s[from..to)`, or -1 when those are not all digits. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ` or `YYYY-MM-DDTHH:MM:SSZ`, every field in range. */
function isCanonicalInstant(s: string): boolean {
  const length = s.length
  if (length === 24) {
    if (s.charCodeAt(19) !== 46 /* . */ || digitsAt(s, 20, 23) < 0) return false
  } else if (length !== 20) {
    return false
  }
  if (
    s.charCodeAt(length - 1) !== 90 /* Z */ ||
    s.charCodeAt(4) !== 45 /* - */ ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 /* T */ ||
    s.charCodeAt(13) !== 58 /* : */ ||
    s.charCodeAt(16) !== 58
  ) {
    return false
  }
  const year = digitsAt(s, 0, 4)
  const month = digitsAt(s, 5, 7)
  const day = digitsAt(s, 8, 10)
  const hour = digitsAt(s, 11, 13)
  const minute = digitsAt(s, 14, 16)
  const second = digitsAt(s, 17, 19)
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return false
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return false
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)
}

/** True when `s` is exactly what `toISOString()` writes for the instant it names. */
export function isIsoString(s: string): boolean {
  return s.length === 24 && isCanonicalInstant(s)
}

/**
 * Negative, zero or positive as instant `a` is before, at or after `b`; NaN when either is not
 * an instant Date.parse can read. The sign is always that of `Date.parse(a) - Date.parse(b)`.
 */
export function compareInstants(a: string, b: string): number {
  if (a.length === b.length && isCanonicalInstant(a) && isCanonicalInstant(b)) {
    return a < b ? -1 : a > b ? 1 : 0
  }
  return Date.parse(a) - Date.parse(b)
}
