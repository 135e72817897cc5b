import { useEffect, useState } from 'react'
import type { RefObject } from 'react'

// A long table renders only the rows near the viewport of the page's scroller (`<main>`), with
// spacer rows standing in for the rest, so a table that changes every frame costs the same
// whether it holds 60 rows or 2,000. Tables up to WINDOW_FROM rows (about two screens) render
// every row, findable with the browser's find-in-page; more, changing every frame, cost frames
// over 50 ms on a slow machine (100 rows did, while a burst filled an empty table).
//
// Rows have one fixed height, so the window is arithmetic on three numbers: the scroller's
// scroll position and height, and where the table body starts in it. They are read in scroll
// events and resize observers, after layout: rendering a window never forces one.

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

/** Where the table body is seen through its scroller (px). */
export interface ScrollerView {
  /** The scroller's scroll position. */
  scrollTop: number
  /** The scroller's visible height. */
  height: number
  /** Where the table body starts within the scroller's content. */
  offset: number
}

/** The rows of a `count`-row table to render for `view` (all of them up to WINDOW_FROM). */
export function rowWindowFor(count: number, view: ScrollerView): RowWindow {
  if (count <= WINDOW_FROM) {
    return {
      windowed: false,
      indexes: Array.from({ length: count }, (_, i) => i),
      before: 0,
      after: 0
    }
  }
  const [shownFirst, shownEnd] = rowsInView(view)
  const first = clamp(shownFirst - OVERSCAN, 0, count)
  const end = clamp(shownEnd + OVERSCAN, first, count)
  return {
    windowed: true,
    indexes: Array.from({ length: end - first }, (_, i) => first + i),
    before: first * ROW_PX,
    after: (count - end) * ROW_PX
  }
}

/** The rows `view` shows, before overscan and bounds: `[first, end)`. */
function rowsInView(view: ScrollerView): [number, number] {
  const top = view.scrollTop - view.offset
  return [Math.floor(top / ROW_PX), Math.ceil((top + view.height) / ROW_PX)]
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high)
}

/** The rows of a `count`-row table body (`body`) to render now. */
export function useRowWindow(count: number, body: RefObject<HTMLElement | null>): RowWindow {
  const view = useScrollerView(body, count > WINDOW_FROM)
  return rowWindowFor(count, view)
}

/**
 * How `body` is seen through its scroller (`<main>`), kept current while `active` by a passive
 * scroll listener and resize observers on the scroller and the view around the body.
 */
function useScrollerView(body: RefObject<HTMLElement | null>, active: boolean): ScrollerView {
  // Until the first observation, the window's height stands in for the scroller's.
  const [view, setView] = useState<ScrollerView>(() => ({
    scrollTop: 0,
    height: window.innerHeight,
    offset: 0
  }))
  useEffect(() => {
    const element = body.current
    const main = element?.closest('main')
    const around = element?.closest('.view')
    if (!active || !element || !main || !around) return
    // A new view that renders the same rows keeps the old one: no render.
    const show = (change: (previous: ScrollerView) => ScrollerView): void =>
      setView((previous) => {
        const next = change(previous)
        return sameRows(previous, next) ? previous : next
      })
    const measure = (): void =>
      show(() => ({
        scrollTop: main.scrollTop,
        height: main.clientHeight,
        offset:
          element.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop
      }))
    // A scroll moves only the scroll position: the rest stays as last measured.
    const scrolled = (): void => {
      const scrollTop = main.scrollTop
      show((previous) => ({ ...previous, scrollTop }))
    }
    const observer = new ResizeObserver(measure)
    observer.observe(around)
    observer.observe(main)
    main.addEventListener('scroll', scrolled, { passive: true })
    return () => {
      observer.disconnect()
      main.removeEventListener('scroll', scrolled)
    }
  }, [body, active])
  return view
}

/** True when `a` and `b` render the same rows of any table (see rowWindowFor). */
function sameRows(a: ScrollerView, b: ScrollerView): boolean {
  const [firstA, endA] = rowsInView(a)
  const [firstB, endB] = rowsInView(b)
  return firstA === firstB && endA === endB && Math.abs(a.offset - b.offset) < 1
}
