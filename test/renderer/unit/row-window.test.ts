import { describe, expect, it } from 'vitest'
import { ROW_PX, WINDOW_FROM, rowWindowFor } from '@renderer/views/use-row-window'

// Which rows of a fixed-height table render for a given scroll position: arithmetic, checked
// here against the layout it stands for (spacers plus rendered rows always span the table).

const view = (scrollTop: number, height = 700, offset = 200) => ({ scrollTop, height, offset })

describe('rowWindowFor', () => {
  it('renders every row of a short table, with no spacers', () => {
    const window = rowWindowFor(WINDOW_FROM, view(5_000))
    expect(window).toEqual({
      windowed: false,
      indexes: Array.from({ length: WINDOW_FROM }, (_, i) => i),
      before: 0,
      after: 0
    })
  })

  it('renders the rows in view and eight beyond each edge, spacers standing in for the rest', () => {
    // The body starts 200 px into the scroller; scrolled to 200 + 100 rows, 700 px tall.
    const window = rowWindowFor(2_000, view(200 + 100 * ROW_PX))
    const rowsInView = Math.ceil(700 / ROW_PX)
    expect(window.windowed).toBe(true)
    expect(window.indexes[0]).toBe(100 - 8)
    expect(window.indexes.at(-1)).toBe(100 + rowsInView + 8 - 1)
    expect(window.before).toBe((100 - 8) * ROW_PX)
    expect(window.before + window.indexes.length * ROW_PX + window.after).toBe(2_000 * ROW_PX)
  })

  it('stays within the table at its top, above it, and past its end', () => {
    for (const scrollTop of [0, 150, 200, 60 * ROW_PX, 1e9]) {
      const window = rowWindowFor(60, view(scrollTop))
      expect(
        window.indexes.every(
          (i, k) => i >= 0 && i < 60 && (k === 0 || i === window.indexes[k - 1]! + 1)
        )
      ).toBe(true)
      expect(window.before + window.indexes.length * ROW_PX + window.after).toBe(60 * ROW_PX)
    }
    expect(rowWindowFor(60, view(0)).indexes[0]).toBe(0)
    expect(rowWindowFor(60, view(1e9)).indexes).toEqual([])
    expect(rowWindowFor(60, view(1e9)).after).toBe(0)
  })
})
