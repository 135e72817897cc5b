// One key per execution across profiles. Profile ids never contain '/', so the key is unique.

/** A reference to one execution of one profile, as the contract names it. */
export interface ExecutionRef {
  profile_id: string
  execution_id: string
}

/** The map key of an execution: `profile/id`. */
export function executionKey(profileId: string, executionId: string): string {
  return `${profileId}/${executionId}`
}

/** The map key of a workflow: `profile/id`. */
export function workflowKey(profileId: string, workflowId: string): string {
  return `${profileId}/${workflowId}`
}
