import { z } from 'zod'

// Liberal in what we accept: the monitor validates strictly only the fields it depends on.
// Any other field whose value does not have the expected shape is dropped (the message is
// kept) and noted, so a caller can count it. Parsing is synchronous, so the notes of one parse
// are collected by wrapping it in `collectDropped`.

let collector: string[] | undefined

/** Runs `parse` and returns what it produced plus the paths of the fields it dropped. */
export function collectDropped<T>(parse: () => T): { value: T; dropped: string[] } {
  const dropped: string[] = []
  const outer = startCollecting(dropped)
  try {
    return { value: parse(), dropped }
  } finally {
    startCollecting(outer)
  }
}

/**
 * The low-level form of `collectDropped` for hot paths: notes go to `into` from now on;
 * returns the collector to restore afterwards (in a `finally`).
 */
export function startCollecting(into: string[] | undefined): string[] | undefined {
  const outer = collector
  collector = into
  return outer
}

/** A field read leniently: absent stays absent; a value that does not fit is dropped, noted. */
export function lenient<S extends z.ZodType>(schema: S, name: string) {
  return schema.optional().catch((ctx) => {
    if (ctx.value !== undefined) collector?.push(name)
    return undefined
  })
}

/** Like `lenient`, for a field whose `null` means "none" (kept as null). */
export function lenientNullable<S extends z.ZodType>(schema: S, name: string) {
  return schema.nullish().catch((ctx) => {
    if (ctx.value !== undefined) collector?.push(name)
    return undefined
  })
}

/**
 * An instant as servers send it: an ISO string, or a number of seconds or milliseconds since
 * the epoch (normalized to an ISO string; 1e11 splits the two, the year 5138 in seconds).
 */
export const InstantInputSchema = z.union([
  z.string().min(1),
  z
    .number()
    .finite()
    .transform((n, ctx) => {
      const date = new Date(Math.abs(n) < 1e11 ? n * 1000 : n)
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: 'custom', message: 'not an instant' })
        return z.NEVER
      }
      return date.toISOString()
    })
])

/** Like `lenient`, but a missing or unreadable value becomes `fallback`. */
export function lenientDefault<S extends z.ZodType>(
  schema: S,
  fallback: z.output<S>,
  name: string
) {
  return schema.catch((ctx) => {
    if (ctx.value !== undefined) collector?.push(name)
    return fallback
  })
}

/** An error as servers send it: `{message, …}`, or a bare message string (normalized). */
export const errorInput = <S extends z.ZodType<{ message: string }>>(schema: S) =>
  z.union([schema, z.string().transform((message) => ({ message }) as z.output<S>)])
