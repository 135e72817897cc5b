import type { Alert } from '@shared/alerts'
import { isFailureStatus } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { AlertPolicy } from './alert-policy'
import type { ExecutionStore, Transition } from './execution-store'
import type { NotificationCenter } from './notification-center'

/** Where the pipeline reports what it decided. */
export interface PipelineSink {
  transition(transition: Transition): void
  alert(alert: Alert): void
}

/** How one execution snapshot arrived. */
export interface IngestOptions {
  /** First contact with this server: a failure already there is history, not news. */
  baseline?: boolean
  /** Collects alerts for one summary instead of notifying each (failures while closed). */
  missed?: Alert[]
}

/**
 * The one path every execution snapshot takes, pushed, reconciled or polled alike: store
 * (transitions, deduplicated), alert policy (once per failed execution), notification center.
 * Duplicates fall away in the store and the alert policy, so a failure is alerted once
 * whichever way it arrives.
 */
export class AlertPipeline {
  private readonly alerts = new AlertPolicy()

  constructor(
    private readonly store: ExecutionStore,
    private readonly notifications: NotificationCenter,
    private readonly sink: PipelineSink,
    private readonly now: () => number
  ) {}

  /** Remembers executions a previous run alerted already. */
  markAlerted(ids: Iterable<string>): void {
    for (const id of ids) this.alerts.markAlerted(id)
  }

  /** The most recently alerted ids (persisted between runs). */
  recentAlertIds(): string[] {
    return this.alerts.recentIds()
  }

  /** Feeds one snapshot through; returns its transition, or null when its status is unchanged. */
  ingest(execution: Execution, options: IngestOptions = {}): Transition | null {
    if (options.baseline && isFailureStatus(execution.status)) this.alerts.markAlerted(execution.id)
    const transition = this.store.upsertExecution(execution)
    if (!transition) return null
    this.sink.transition(transition)
    const workflowName = this.store.workflowName(execution.workflow_id, transition.execution)
    const alert = this.alerts.observe({ ...transition, workflowName }, this.now())
    if (alert) {
      this.sink.alert(alert)
      if (options.missed) options.missed.push(alert)
      else this.notifications.alert(alert)
    } else if (transition.to === 'completed') {
      this.notifications.completed({ ...transition, workflowName })
    }
    return transition
  }
}
