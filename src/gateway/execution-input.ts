/** Largest accepted execution input, as JSON text (history is bounded, so inputs must be too). */
const MAX_INPUT_JSON_CHARS = 64 * 1024

/** Why an execution input is refused, or undefined when it is acceptable (REST and WS alike). */
export function checkExecutionInput(input: unknown): string | undefined {
  if (input === undefined) return undefined
  let text: string | undefined
  try {
    text = JSON.stringify(input)
  } catch {
    return 'input is not JSON-serializable'
  }
  if (text !== undefined && text.length > MAX_INPUT_JSON_CHARS) {
    return `input larger than ${MAX_INPUT_JSON_CHARS} characters of JSON`
  }
  return undefined
}
