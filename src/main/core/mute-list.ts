/**
 * Workflows whose notifications are muted, for every profile (`workflow id`) or for one
 * (`profile:workflow id`; profile ids hold no `:`). Pure; the notification policy owns one.
 */
export class MuteList {
  private readonly muted: Set<string>

  constructor(initial: Iterable<string> = []) {
    this.muted = new Set(initial)
  }

  /** Mutes a workflow's notifications (of one profile, or of every profile). */
  mute(workflowId: string, profile?: string): void {
    this.muted.add(muteKey(workflowId, profile))
  }

  /** Unmutes a workflow's notifications. */
  unmute(workflowId: string, profile?: string): void {
    this.muted.delete(muteKey(workflowId, profile))
  }

  /** True when the workflow is muted (for this profile or for all). */
  isMuted(workflowId: string, profile?: string): boolean {
    return (
      this.muted.has(workflowId) ||
      (profile !== undefined && this.muted.has(muteKey(workflowId, profile)))
    )
  }

  /** The muted workflows (`profile:id` where muted for one profile). */
  list(): string[] {
    return [...this.muted]
  }
}

function muteKey(workflowId: string, profile?: string): string {
  return profile === undefined ? workflowId : `${profile}:${workflowId}`
}
