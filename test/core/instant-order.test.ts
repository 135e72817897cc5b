import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareInstants, isIsoString } from '@main/core/instant-order'

// compareInstants skips Date.parse for two timestamps written like toISOString(); it must
// always answer what comparing their Date.parse values would, whatever the strings.

const RUNS = 2_000

const iso = fc
  .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }) // years 0000..9999
  .map((ms) => new Date(ms).toISOString())
/** ISO-looking text with any field out of range (month 13, Feb 30, 24:00, 23:60 …). */
const nearIso = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 999 }),
    fc.boolean()
  )
  .map(([y, mo, d, h, mi, s, ms, fraction]) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0')
    const frac = fraction ? `.${p(ms, 3)}` : ''
    return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac}Z`
  })
const other = fc.oneof(
  fc.string({ maxLength: 26 }),
  iso.map((s) => s.replace('Z', '+00:00')),
  iso.map((s) => s.slice(0, 10)),
  iso.map((s) => s.replace('T', ' ')),
  iso.map((s) => s.replace(/\d/, 'x'))
)
const text = fc.oneof(iso, nearIso, other)

const sign = (n: number): number => (Number.isNaN(n) ? NaN : Math.sign(n))

describe('compareInstants', () => {
  it('orders any two strings exactly as their Date.parse values do', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareInstants(a, b))).toBe(sign(Date.parse(a) - Date.parse(b)))
      }),
      { numRuns: RUNS }
    )
  })

  it('orders two instants of the same second by their fraction', () => {
    expect(compareInstants('2025-01-15T10:30:00.120Z', '2025-01-15T10:30:00.119Z')).toBeGreaterThan(
      0
    )
    expect(compareInstants('2025-02-28T00:00:00.000Z', '2025-02-30T00:00:00.000Z')).toBeLessThan(0)
    expect(compareInstants('2025-03-01T00:00:00.000Z', '2025-02-30T00:00:00.000Z')).toBeLessThan(0)
    expect(compareInstants('2025-01-15T10:30:00Z', 'not a time')).toBeNaN()
  })

  it('calls a string ISO only when toISOString writes exactly that string', () => {
    fc.assert(
      fc.property(text, (s) => {
        if (isIsoString(s)) expect(new Date(Date.parse(s)).toISOString()).toBe(s)
      }),
      { numRuns: RUNS }
    )
    fc.assert(
      fc.property(iso, (s) => {
        expect(isIsoString(s)).toBe(true)
      }),
      { numRuns: RUNS }
    )
  })
})
