import { firstJsonErrorOffset, lineAndColumn } from './json-locate'

// The JSON a person types as a workflow's input, checked before anything is sent.

/** The parsed value, or where and why the text is not JSON. */
export type JsonInput =
  | { ok: true; value: unknown }
  | { ok: false; message: string; line: number | null; column: number | null }

/** Parses `text` as JSON; empty text means `{}` (no input). */
export function parseJsonInput(text: string): JsonInput {
  if (text.trim() === '') return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    const offset = firstJsonErrorOffset(text)
    if (offset < 0) return { ok: false, message: 'Not valid JSON', line: null, column: null }
    const { line, column } = lineAndColumn(text, offset)
    const found =
      offset >= text.length ? 'the text ends too early' : `unexpected ${describe(text[offset])}`
    return {
      ok: false,
      message: `Not valid JSON at line ${line}, column ${column}: ${found}`,
      line,
      column
    }
  }
}

/** Pretty-printed JSON for an editor (an absent input becomes `{}`). */
export function formatJson(value: unknown): string {
  if (value === undefined) return '{}'
  try {
    return JSON.stringify(value, null, 2) ?? '{}'
  } catch {
    return '{}'
  }
}

function describe(ch: string): string {
  if (ch === '\n') return 'line break'
  if (ch === "'") return "' (use double quotes)"
  return `“${ch}”`
}
