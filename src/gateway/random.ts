import { randomInt } from 'node:crypto'

/** A small deterministic pseudo-random source: same seed, same sequence. */
export interface Random {
  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** True with probability `p` (p <= 0 never, p >= 1 always). */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** `length` lowercase hex digits. */
  hex(length: number): string
  /** An independent generator seeded from this one, so sub-streams do not interleave. */
  fork(): Random
}

/**
 * Creates a seeded generator. The core is a Weyl-sequence counter passed through the MurmurHash3
 * 32-bit finalizer: cheap, full-period over 2^32 steps, and plenty for a simulation (not crypto).
 * Without a seed, the seed comes from the OS so each run differs.
 */
export function createRandom(seed?: number): Random {
  let state = (seed ?? randomInt(0, 2 ** 32 - 1)) >>> 0

  const uint32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  const next = (): number => uint32() / 2 ** 32

  return {
    uint32,
    next,
    int: (min, max) => min + Math.floor(next() * (Math.floor(max) - Math.ceil(min) + 1)),
    chance: (p) => (p <= 0 ? false : p >= 1 ? true : next() < p),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty array')
      return items[Math.floor(next() * items.length)] as T
    },
    hex: (length) => {
      let out = ''
      while (out.length < length) out += uint32().toString(16).padStart(8, '0')
      return out.slice(0, length)
    },
    fork: () => createRandom(uint32())
  }
}
