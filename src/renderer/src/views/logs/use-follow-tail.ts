import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import type { RefObject } from 'react'

/** What the log list needs to follow the newest line. */
export interface FollowTail {
  following: boolean
  /** Lines that arrived since following paused. */
  newLines: number
  /** Stops following (any move up: wheel, keys, scrollbar, a click on a line). */
  pause: () => void
  /** Follows again and goes to the newest line. */
  resume: () => void
  /** Handlers for the scrolling element. */
  handlers: {
    onScroll: () => void
    onWheel: (event: { deltaY: number }) => void
    onKeyDown: (event: { key: string }) => void
    onPointerDown: () => void
  }
}

const KEYS_UP = ['ArrowUp', 'PageUp', 'Home']

/**
 * Keeps `scrollRef` at the bottom while following and `count` grows. Only a move up is taken as
 * the person's doing (following scrolls down, and growth moves nothing); scrolling back to the
 * bottom follows again.
 */
export function useFollowTail(
  scrollRef: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number
): FollowTail {
  const [following, setFollowingState] = useState(true)
  // Mirrors `following` for handlers and the scroll effect, which must see a pause at once.
  const followingRef = useRef(true)
  const lastTop = useRef(0)
  const [pausedAt, setPausedAt] = useState(0)

  const setFollowing = useCallback((on: boolean) => {
    followingRef.current = on
    setFollowingState(on)
  }, [])
  const pause = useCallback(() => {
    if (!followingRef.current) return
    setPausedAt(count)
    setFollowing(false)
  }, [count, setFollowing])
  const onScroll = useCallback(() => {
    const el = scrollRef.current
    if (!el) return
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < rowHeight
    if (el.scrollTop < lastTop.current - 1 && !atBottom) pause()
    else if (atBottom && !followingRef.current) setFollowing(true)
    lastTop.current = el.scrollTop
  }, [scrollRef, rowHeight, pause, setFollowing])

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el || !following || !followingRef.current) return
    el.scrollTop = el.scrollHeight
    lastTop.current = el.scrollTop
  }, [scrollRef, following, count])

  return {
    following,
    newLines: following ? 0 : Math.max(0, count - pausedAt),
    pause,
    resume: () => setFollowing(true),
    handlers: {
      onScroll,
      // Pause on the intent to scroll up, before a new line could pull the view down again.
      onWheel: (event) => {
        if (event.deltaY < 0) pause()
      },
      onKeyDown: (event) => {
        if (KEYS_UP.includes(event.key)) pause()
      },
      // Grabbing the scrollbar or clicking a line: keep the view still while the person looks.
      onPointerDown: pause
    }
  }
}
