import { useState } from 'react'
import { fieldError, formError } from '@renderer/lib/call'
import { formatJson, parseJsonInput } from '@renderer/lib/json-input'
import { useCommand } from '@renderer/lib/use-command'
import { navigate } from '@renderer/lib/use-route'
import { startedAt } from '@renderer/store/dashboard-state'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'

/** The workflow a run dialog starts. */
export interface RunTarget {
  profile_id: string
  workflow_id: string
}

/**
 * The run editor's text and what is wrong with it. Text that is not JSON is refused here, before
 * anything is sent; a good run opens the new execution (in place of the dialog in history).
 */
export function useRunInput(target: RunTarget, focusEditor: () => void) {
  const bridge = useBridge()
  const command = useCommand()
  const lastInput = useDashboard((s) => {
    // The newest run's input is the most likely starting point.
    let newest: { at: number; input: unknown } | null = null
    for (const e of s.executions.values()) {
      if (e.profile_id !== target.profile_id || e.workflow_id !== target.workflow_id) continue
      if (e.input === undefined || (newest && newest.at >= startedAt(e))) continue
      newest = { at: startedAt(e), input: e.input }
    }
    return newest?.input
  })
  const [text, setText] = useState(() => formatJson(lastInput))
  const [invalid, setInvalid] = useState<string | null>(null)

  const submit = async () => {
    const parsed = parseJsonInput(text)
    if (!parsed.ok) {
      setInvalid(parsed.message)
      focusEditor()
      return
    }
    setInvalid(null)
    const { profile_id, workflow_id } = target
    const result = await command.run(() =>
      bridge.executeWorkflow({ profile_id, workflow_id, input: parsed.value })
    )
    if (!result.ok) return
    const { profile_id: profile, id } = result.value
    navigate({ view: 'execution', profile_id: profile, execution_id: id }, { replace: true })
  }

  return {
    text,
    /** The text changed: an error shown goes away as soon as the text is JSON. */
    change(next: string) {
      setText(next)
      if (invalid && parseJsonInput(next).ok) setInvalid(null)
    },
    /** The editor lost the focus: say now if the text is not JSON. */
    check() {
      const parsed = parseJsonInput(text)
      setInvalid(parsed.ok ? null : parsed.message)
    },
    format() {
      const parsed = parseJsonInput(text)
      if (parsed.ok) setText(formatJson(parsed.value))
      else setInvalid(parsed.message)
    },
    submit,
    pending: command.pending,
    inputError: invalid ?? fieldError(command.error, 'input'),
    otherError: formError(command.error, ['input'])
  }
}
