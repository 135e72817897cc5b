import { describe, expect, it } from 'vitest'
import { GapWatermark } from '@main/core/gap-watermark'

const T = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`

describe('GapWatermark', () => {
  it('follows what it sees only while live', () => {
    const mark = new GapWatermark(T(0))
    mark.observe(T(5), false)
    expect(mark.committed).toBe(T(0))
    mark.observe(T(6), true)
    expect(mark.committed).toBe(T(6))
    mark.observe(T(3), true)
    expect(mark.committed).toBe(T(6))
  })

  it('holds at the gap start until committed, then covers everything seen meanwhile', () => {
    const mark = new GapWatermark(T(1))
    mark.hold()
    mark.observe(T(9), true)
    expect(mark.isHeld).toBe(true)
    expect(mark.committed).toBe(T(1))
    expect(mark.catchUpFrom).toBe(T(1))
    mark.hold(T(7)) // a second hold never moves the start of the uncovered stretch forward
    expect(mark.catchUpFrom).toBe(T(1))
    mark.commit(0)
    expect(mark.isHeld).toBe(false)
    expect(mark.committed).toBe(T(9))
  })

  it('starts at "now" when a first sync saw no execution at all', () => {
    const mark = new GapWatermark(null)
    mark.commit(Date.parse(T(30)))
    expect(mark.committed).toBe(T(30))
  })
})
