import type { Workflow, WorkflowCreate, WorkflowEvent, WorkflowUpdate } from '@shared/protocol'
import { DEMO_WORKFLOWS } from './demo-workflows'
import type { Random } from './random'

/** Actions given to a workflow created without any. */
const DEFAULT_ACTIONS = ['Prepare', 'Execute', 'Finalize']

const now = (): string => new Date().toISOString()

/** A deep enough copy that callers cannot change the catalogue's workflows. */
function copyWorkflow(w: Workflow): Workflow {
  return { ...w, actions: w.actions?.map((a) => ({ ...a })) }
}

function actionIds(names: readonly string[]): { id: string; name: string }[] {
  return names.map((name, i) => ({ id: `act_${String(i + 1).padStart(3, '0')}`, name }))
}

/** The engine's workflows: the demo set to begin with, then whatever REST creates and changes. */
export class WorkflowCatalogue {
  private readonly workflows = new Map<string, Workflow>()

  constructor(
    private readonly rng: Random,
    /** Receives every change, already copied. */
    private readonly announce: (event: WorkflowEvent) => void
  ) {
    const created = now()
    for (const demo of DEMO_WORKFLOWS) {
      this.workflows.set(demo.id, {
        id: demo.id,
        name: demo.name,
        description: demo.description,
        status: 'active',
        version: 1,
        actions: demo.actions.map((a) => ({ id: a.id, name: a.name })),
        created_at: created,
        updated_at: created,
        updated_by: 'system'
      })
    }
  }

  /** Copies of every workflow, oldest first. */
  list(): Workflow[] {
    return [...this.workflows.values()].map(copyWorkflow)
  }

  /** The workflow itself (not a copy), for the simulation to read; never hand it out. */
  peek(id: string): Workflow | undefined {
    return this.workflows.get(id)
  }

  /** Workflows that background runs may pick (not inactive). */
  runnable(): Workflow[] {
    return [...this.workflows.values()].filter((w) => w.status !== 'inactive')
  }

  get(id: string): Workflow | undefined {
    const w = this.workflows.get(id)
    return w && copyWorkflow(w)
  }

  create(body: WorkflowCreate, actor: string): Workflow {
    let id: string
    do id = `wf_${this.rng.hex(10)}`
    while (this.workflows.has(id))
    const at = now()
    const workflow: Workflow = {
      id,
      name: body.name,
      description: body.description ?? null,
      status: body.status ?? 'active',
      version: 1,
      actions: actionIds(body.actions ?? DEFAULT_ACTIONS),
      created_at: at,
      updated_at: at,
      updated_by: actor
    }
    this.workflows.set(id, workflow)
    this.announce({ event_type: 'created', workflow: copyWorkflow(workflow) })
    return copyWorkflow(workflow)
  }

  update(id: string, body: WorkflowUpdate, actor: string): Workflow | undefined {
    const workflow = this.workflows.get(id)
    if (!workflow) return undefined
    if (body.name !== undefined) workflow.name = body.name
    if (body.description !== undefined) workflow.description = body.description
    if (body.status !== undefined) workflow.status = body.status
    if (body.actions !== undefined) workflow.actions = actionIds(body.actions)
    workflow.version = (workflow.version ?? 0) + 1
    workflow.updated_at = now()
    workflow.updated_by = actor
    this.announce({ event_type: 'updated', workflow: copyWorkflow(workflow) })
    return copyWorkflow(workflow)
  }

  delete(id: string, actor: string): boolean {
    const workflow = this.workflows.get(id)
    if (!workflow) return false
    this.workflows.delete(id)
    // Executions already running finish on their own; the event carries the last known state.
    const last = { ...copyWorkflow(workflow), updated_at: now(), updated_by: actor }
    this.announce({ event_type: 'deleted', workflow: last })
    return true
  }
}
