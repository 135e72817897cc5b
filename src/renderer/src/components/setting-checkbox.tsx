import { useState } from 'react'
import type { ReactNode } from 'react'
import type { BridgeResult } from '@shared/bridge'
import { describeFailure } from '@renderer/lib/call'
import { useCommand } from '@renderer/lib/use-command'
import { ErrorAlert } from './error-alert'

/**
 * A checkbox bound to a setting main owns. It shows the new value at once (main confirms with a
 * settings event a frame later) and goes back, with the error next to it, if main refuses.
 */
export function SettingCheckbox({
  checked,
  onCommit,
  children,
  testId,
  workflowId,
  disabled = false
}: {
  checked: boolean
  onCommit: (next: boolean) => Promise<BridgeResult<unknown>>
  children: ReactNode
  testId?: string
  workflowId?: string
  disabled?: boolean
}) {
  const command = useCommand()
  // The value asked for, and the confirmed value it was asked over: once main's value moves
  // on (confirmed or changed elsewhere), the confirmed value shows again.
  const [pending, setPending] = useState<{ value: boolean; base: boolean } | null>(null)
  const shown = pending && pending.base === checked ? pending.value : checked
  const change = async (next: boolean) => {
    setPending({ value: next, base: checked })
    const result = await command.run(() => onCommit(next))
    if (!result.ok) setPending(null)
  }
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={shown}
          disabled={disabled}
          onChange={(event) => void change(event.target.checked)}
          data-testid={testId}
          data-workflow-id={workflowId}
        />
        {children}
      </label>
      <ErrorAlert message={command.error && describeFailure(command.error)} />
    </>
  )
}
