import type { Alert } from '@shared/alerts'
import { isFailureStatus } from '@shared/protocol'
import type { Execution } from '@shared/protocol'
import { AlertPolicy } from './alert-policy'
import type { ExecutionTransition } from './alert-policy'
import type { ExecutionStore, Transition } from './execution-store'
import type { NotificationCenter } from './notification-center'

/** Where the pipeline reports what it decided. */
export interface PipelineSink {
  transition(transition: Transition): void
  alert(alert: Alert): void
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

  /**
   * Feeds one snapshot through; returns its transition, or null when its status is unchanged.
   * `baseline`: first contact with this server, a failure already there is history, not news.
   * `missed`: collects alerts for one summary instead of notifying each (failures while closed).
   */
  ingest(execution: Execution, baseline = false, missed?: Alert[]): Transition | null {
    if (baseline && isFailureStatus(execution.status)) this.alerts.markAlerted(execution.id)
    const transition = this.store.upsertExecution(execution)
    if (!transition) return null
    this.sink.transition(transition)
    const to = transition.to
    if (!isFailureStatus(to)) {
      // No alert can come of it; the workflow's name matters only to a completion.
      this.alerts.seen(transition.execution.id)
      if (to === 'completed') this.notifications.completed(this.named(transition))
      return transition
    }
    const alert = this.alerts.observe(this.named(transition), this.now())
    if (alert) {
      this.sink.alert(alert)
      if (missed) missed.push(alert)
      else this.notifications.alert(alert)
    }
    return transition
  }

  private named({ execution, from, to }: Transition): ExecutionTransition {
    return {
      execution,
      from,
      to,
      workflowName: this.store.workflowName(execution.workflow_id, execution)
    }
  }
}
