import { useEffect, useState } from 'react'
import type { RefObject } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'

// A long table renders only the rows near the viewport of the page's scroller (`<main>`), with
// spacer rows standing in for the rest, so a table that changes every frame costs the same
// whether it holds 60 rows or 2,000. Tables up to WINDOW_FROM rows (about two screens) render
// every row, findable with the browser's find-in-page; more, changing every frame, cost frames
// over 50 ms on a slow machine (100 rows did, while a burst filled an empty table).

/** Tables with more rows than this render only a window of them. */
export const WINDOW_FROM = 40
/**
 * Every row's height (px), fixed by the stylesheet (`.table--fixed tbody tr`): rows are one line
 * each, so nothing is measured, and rows entering the window never cause a second render.
 */
export const ROW_PX = 37
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 8

export interface RowWindow {
  /** True when only `indexes` are rendered (between two spacers). */
  windowed: boolean
  /** Indexes of the rows to render, in order. */
  indexes: number[]
  /** Height of the spacer before the first rendered row and after the last (px). */
  before: number
  after: number
}

/**
 * Where `body` starts within the content of its scroller (`<main>`), kept current by a
 * ResizeObserver on the view around it: read after layout, never forcing one.
 */
function useOffsetInScroller(body: RefObject<HTMLElement | null>, active: boolean): number {
  const [offset, setOffset] = useState(0)
  useEffect(() => {
    const element = body.current
    const main = element?.closest('main')
    const view = element?.closest('.view')
    if (!active || !element || !main || !view) return
    const read = (): void => {
      const top =
        element.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop
      setOffset((previous) => (Math.abs(top - previous) >= 1 ? top : previous))
    }
    const observer = new ResizeObserver(read)
    observer.observe(view)
    observer.observe(main)
    return () => observer.disconnect()
  }, [body, active])
  return offset
}

const rowSize = (): number => ROW_PX

/** The rows of a `count`-row table body (`body`) to render now. */
export function useRowWindow(count: number, body: RefObject<HTMLElement | null>): RowWindow {
  const windowed = count > WINDOW_FROM
  const margin = useOffsetInScroller(body, windowed)
  // The virtualizer's functions are not memoizable; this app does not use the React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: windowed ? count : 0,
    getScrollElement: () => body.current?.closest('main') ?? null,
    estimateSize: rowSize,
    overscan: OVERSCAN,
    scrollMargin: margin
  })
  if (!windowed) {
    return { windowed, indexes: Array.from({ length: count }, (_, i) => i), before: 0, after: 0 }
  }
  const items = virtualizer.getVirtualItems()
  const first = items[0]
  const last = items.at(-1)
  const total = virtualizer.getTotalSize()
  return {
    windowed,
    indexes: items.map((item) => item.index),
    before: first ? first.start - margin : 0,
    after: last ? Math.max(0, total - (last.end - margin)) : total
  }
}
