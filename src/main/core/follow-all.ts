import { ALL_ID, Resource } from '@shared/protocol'
import type { Workflow, WorkflowEvent } from '@shared/protocol'
import type { RestClient } from './rest-client'
import { NO_ANSWER } from './subscription-registry'
import type { SubscriptionInfo, SubscriptionRegistry } from './subscription-registry'
import { describeError } from '@shared/redact'

/**
 * Follows every execution of every workflow. First asks for `workflow_executions:all` (an
 * extension); where the server refuses it, falls back to `workflows:all` plus one
 * `workflow_executions` subscription per workflow, kept current by `workflow_event`s and
 * re-listed over REST on every connect (workflows created during a gap are picked up).
 */
export class FollowAll {
  private mode: 'all' | 'per_workflow' = 'all'
  private readonly perWorkflow = new Map<string, () => void>()
  private readonly releases: Array<() => void> = []
  private readonly unlisten: () => void
  private disposed = false

  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly rest: RestClient,
    private readonly log: (line: string) => void,
    /** Every listing's workflows (their names label alerts where executions carry none). */
    private readonly listed: (workflows: Workflow[]) => void = () => {}
  ) {
    this.unlisten = registry.on('change', (info) => this.onChange(info))
  }

  /** Current strategy, for diagnostics and tests. */
  get strategy(): 'all' | 'per_workflow' {
    return this.mode
  }

  /** Starts following (holds the `all` subscription). */
  start(): void {
    this.releases.push(this.registry.add(Resource.WorkflowExecutions, ALL_ID))
  }

  /** Called after each connect: list the workflows (in fallback mode, so none is missed). */
  async connected(): Promise<void> {
    await this.relist()
  }

  /** Keeps per-workflow subscriptions in step with workflow events. */
  onWorkflowEvent(event: WorkflowEvent): void {
    if (this.mode !== 'per_workflow') return
    if (event.event_type === 'deleted') this.drop(event.workflow.id)
    else this.follow(event.workflow.id)
  }

  /** Releases every subscription this strategy holds. */
  dispose(): void {
    this.disposed = true
    this.unlisten()
    for (const release of this.releases.splice(0)) release()
    for (const release of this.perWorkflow.values()) release()
    this.perWorkflow.clear()
  }

  private onChange(info: SubscriptionInfo): void {
    if (this.mode === 'per_workflow') {
      // Workflows created between the last listing and the server taking `workflows:all` sent
      // no event: list again once that subscription is confirmed (after every connect too).
      if (info.resource === Resource.Workflows && info.id === ALL_ID && info.status === 'active') {
        void this.relist()
      }
      return
    }
    if (info.status !== 'failed') return
    if (info.resource !== Resource.WorkflowExecutions || info.id !== ALL_ID) return
    const why = info.error?.code === NO_ANSWER ? 'left unanswered' : 'refused'
    this.log(
      `workflow_executions:all ${why} (${info.error?.code ?? 'error'}); following each workflow instead`
    )
    this.mode = 'per_workflow'
    for (const release of this.releases.splice(0)) release()
    this.releases.push(this.registry.add(Resource.Workflows, ALL_ID))
    void this.relist()
  }

  private async relist(): Promise<void> {
    // Only what was followed before the listing started may be dropped for missing from it:
    // a workflow added meanwhile by a `created` event is newer than the listing.
    const before = new Set(this.perWorkflow.keys())
    try {
      const workflows = await this.rest.listWorkflows()
      if (this.disposed) return
      this.listed(workflows)
      if (this.mode !== 'per_workflow') return
      const current = new Set(workflows.map((w) => w.id))
      for (const id of current) this.follow(id)
      for (const id of before) if (!current.has(id)) this.drop(id)
    } catch (error) {
      this.log(`could not list workflows: ${describeError(error)}; will retry on the next connect`)
    }
  }

  private follow(workflowId: string): void {
    if (this.disposed || this.perWorkflow.has(workflowId)) return
    this.perWorkflow.set(workflowId, this.registry.add(Resource.WorkflowExecutions, workflowId))
  }

  private drop(workflowId: string): void {
    this.perWorkflow.get(workflowId)?.()
    this.perWorkflow.delete(workflowId)
  }
}
