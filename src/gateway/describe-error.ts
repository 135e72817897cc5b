/** An error's message for a log line; anything thrown that is not an Error, as a string. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
