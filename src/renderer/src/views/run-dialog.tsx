import { useEffect, useId, useRef, useState } from 'react'
import type { WorkflowView } from '@shared/bridge'
import { Icon } from '@renderer/components/icon'
import { fieldError, formError } from '@renderer/lib/call'
import { formatJson, parseJsonInput } from '@renderer/lib/json-input'
import { useCommand } from '@renderer/lib/use-command'
import { navigate } from '@renderer/lib/use-route'
import { useBridge, useDashboard } from '@renderer/store/use-dashboard'
import { useManyProfiles, useProfileNames, workflowLabel } from '@renderer/store/selectors'

/**
 * "Run" for one workflow: a JSON input editor that refuses text that is not JSON right there,
 * before anything is sent, then opens the new execution.
 */
export function RunDialog({
  target,
  workflow,
  onClose
}: {
  target: { profile_id: string; workflow_id: string }
  workflow: WorkflowView | null
  onClose: () => void
}) {
  const bridge = useBridge()
  const dialog = useRef<HTMLDialogElement>(null)
  const editor = useRef<HTMLTextAreaElement>(null)
  const lastInput = useDashboard((s) => {
    for (const e of s.executions.values()) {
      if (
        e.profile_id === target.profile_id &&
        e.workflow_id === target.workflow_id &&
        e.input !== undefined
      )
        return e.input
    }
    return undefined
  })
  const [text, setText] = useState(() => formatJson(lastInput))
  const [invalid, setInvalid] = useState<string | null>(null)
  const command = useCommand()
  const errorId = useId()
  const name = workflow ? workflow.name || workflow.id : target.workflow_id
  const names = useProfileNames()
  const many = useManyProfiles()

  useEffect(() => {
    const el = dialog.current
    if (el && !el.open) el.showModal()
    return () => el?.close()
  }, [])

  const submit = async () => {
    const parsed = parseJsonInput(text)
    if (!parsed.ok) {
      setInvalid(parsed.message)
      editor.current?.focus()
      return
    }
    setInvalid(null)
    const result = await command.run(() =>
      bridge.executeWorkflow({
        profile_id: target.profile_id,
        workflow_id: target.workflow_id,
        input: parsed.value
      })
    )
    if (result.ok) {
      navigate(
        { view: 'execution', profile_id: result.value.profile_id, execution_id: result.value.id },
        { replace: true }
      )
    }
  }

  const inputError = invalid ?? fieldError(command.error, 'input')
  const otherError = formError(command.error, ['input'])
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${errorId}-title`}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
      data-testid="run-dialog"
    >
      <form
        method="dialog"
        className="dialog__form"
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        <h2 id={`${errorId}-title`} className="dialog__title">
          Run{' '}
          {workflow
            ? workflowLabel({ workflow_name: workflow.name, workflow_id: workflow.id })
            : name}
          {many && (
            <span className="dialog__profile">
              {' '}
              on {names.get(target.profile_id) ?? target.profile_id}
            </span>
          )}
        </h2>
        {workflow?.description && <p className="muted">{workflow.description}</p>}
        <label className="field">
          <span className="field__label">Input (JSON)</span>
          <textarea
            ref={editor}
            className="input input--code"
            rows={12}
            value={text}
            spellCheck={false}
            autoFocus
            aria-invalid={inputError ? true : undefined}
            aria-describedby={inputError ? errorId : undefined}
            onChange={(event) => {
              setText(event.target.value)
              if (invalid && parseJsonInput(event.target.value).ok) setInvalid(null)
            }}
            onBlur={() => {
              const parsed = parseJsonInput(text)
              setInvalid(parsed.ok ? null : parsed.message)
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault()
                void submit()
              }
            }}
            data-testid="run-input"
          />
        </label>
        {inputError && (
          <p id={errorId} className="field-error" role="alert" data-testid="run-input-error">
            <Icon name="warning" /> {inputError}
          </p>
        )}
        {otherError && (
          <p className="field-error" role="alert" data-testid="run-error">
            <Icon name="warning" /> {otherError}
          </p>
        )}
        <div className="dialog__actions">
          <span className="muted dialog__hint">Ctrl+Enter runs</span>
          <button
            type="button"
            className="btn btn--ghost"
            onClick={() => {
              const parsed = parseJsonInput(text)
              if (parsed.ok) setText(formatJson(parsed.value))
              else setInvalid(parsed.message)
            }}
          >
            Format
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn--primary"
            disabled={command.pending}
            data-testid="run-submit"
          >
            <Icon name="play" /> {command.pending ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </dialog>
  )
}
