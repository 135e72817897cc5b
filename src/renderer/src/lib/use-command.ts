import { useCallback, useEffect, useRef, useState } from 'react'
import type { BridgeError, BridgeResult } from '@shared/bridge'
import { call } from './call'

/** A command's progress as a form shows it. */
export interface CommandState {
  pending: boolean
  error: BridgeError | null
}

/**
 * Runs bridge commands for one form or button: tracks `pending` and the last error (to show
 * next to its field), and ignores answers that arrive after the component is gone.
 */
export function useCommand(): CommandState & {
  run<T>(command: () => Promise<BridgeResult<T>>): Promise<BridgeResult<T>>
  setError(error: BridgeError | null): void
} {
  const [state, setState] = useState<CommandState>({ pending: false, error: null })
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  const run = useCallback(async <T>(command: () => Promise<BridgeResult<T>>) => {
    setState({ pending: true, error: null })
    const result = await call(command)
    if (mounted.current) setState({ pending: false, error: result.ok ? null : result.error })
    return result
  }, [])
  const setError = useCallback((error: BridgeError | null) => {
    setState((s) => ({ ...s, error }))
  }, [])
  return { ...state, run, setError }
}
