import { useEffect, useId, useRef } from 'react'
import type { RefObject } from 'react'
import type { WorkflowView } from '@shared/bridge'
import { Icon } from '@renderer/components/icon'
import { useManyProfiles, useProfileNames } from '@renderer/store/selectors'
import { useRunInput } from './use-run-input'
import type { RunTarget } from './use-run-input'
import { ErrorAlert } from '@renderer/components/error-alert'

/**
 * "Run" for one workflow: a JSON input editor that refuses text that is not JSON right there,
 * before anything is sent, then opens the new execution. A native modal <dialog>: the focus
 * stays inside, Escape closes it.
 */
export function RunDialog({
  target,
  workflow,
  onClose
}: {
  target: RunTarget
  workflow: WorkflowView | null
  onClose: () => void
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const editor = useRef<HTMLTextAreaElement>(null)
  const run = useRunInput(target, () => editor.current?.focus())
  const id = useId()
  const names = useProfileNames()
  const many = useManyProfiles()

  useEffect(() => {
    const el = dialog.current
    if (el && !el.open) el.showModal()
    return () => el?.close()
  }, [])

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
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
          void run.submit()
        }}
      >
        <h2 id={`${id}-title`} className="dialog__title">
          Run {workflow ? workflow.name || workflow.id : target.workflow_id}
          {many && (
            <span className="dialog__profile">
              {' '}
              on {names.get(target.profile_id) ?? target.profile_id}
            </span>
          )}
        </h2>
        {workflow?.description && <p className="muted">{workflow.description}</p>}
        <JsonEditor run={run} editorRef={editor} errorId={`${id}-error`} />
        <ErrorAlert message={run.otherError} testId="run-error" icon />
        <div className="dialog__actions">
          <span className="muted dialog__hint">Ctrl+Enter runs</span>
          <button type="button" className="btn btn--ghost" onClick={run.format}>
            Format
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn--primary"
            disabled={run.pending}
            data-testid="run-submit"
          >
            <Icon name="play" /> {run.pending ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </dialog>
  )
}

/** The input text, its error right below it (announced), Ctrl+Enter to run. */
function JsonEditor({
  run,
  editorRef,
  errorId
}: {
  run: ReturnType<typeof useRunInput>
  editorRef: RefObject<HTMLTextAreaElement | null>
  errorId: string
}) {
  return (
    <>
      <label className="field">
        <span className="field__label">Input (JSON)</span>
        <textarea
          ref={editorRef}
          className="input input--code"
          rows={12}
          value={run.text}
          spellCheck={false}
          autoFocus
          aria-invalid={run.inputError ? true : undefined}
          aria-describedby={run.inputError ? errorId : undefined}
          onChange={(event) => run.change(event.target.value)}
          onBlur={run.check}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault()
              void run.submit()
            }
          }}
          data-testid="run-input"
        />
      </label>
      <ErrorAlert message={run.inputError} id={errorId} testId="run-input-error" icon />
    </>
  )
}
