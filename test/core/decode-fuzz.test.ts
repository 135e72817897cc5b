import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SERVER_MESSAGE_TYPES, ServerMessageSchema, decodeServerFrame } from '@shared/protocol'
import { inboundTextFrame, mutatedServerMessage, validServerMessage } from './arbitraries'

// Property-based checks of the inbound decoder: whatever arrives, it never throws, every message
// it lets through is schema-valid, every entry is accounted for, and valid messages survive.

const RUNS = 300

/** How many entries a frame holds: the batch's length, else one. */
function entryCount(text: string): number {
  try {
    const value = JSON.parse(text) as { type?: unknown; messages?: unknown }
    if (value && value.type === 'batch' && Array.isArray(value.messages))
      return value.messages.length
  } catch {
    // not JSON: one rejected entry
  }
  return 1
}

describe('decodeServerFrame under fuzz', () => {
  it('never throws and accounts for every entry', () => {
    fc.assert(
      fc.property(inboundTextFrame, (text) => {
        const decoded = decodeServerFrame(text)
        expect(decoded.messages.length + decoded.rejected.length).toBe(entryCount(text))
        for (const message of decoded.messages) {
          expect(SERVER_MESSAGE_TYPES).toContain(message.type)
          expect(ServerMessageSchema.safeParse(message).success).toBe(true)
        }
        for (const rejected of decoded.rejected) {
          expect(typeof rejected.detail).toBe('string')
          expect(rejected.detail.length).toBeLessThan(400)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('passes every valid message through unchanged', () => {
    fc.assert(
      fc.property(validServerMessage, (message) => {
        const decoded = decodeServerFrame(JSON.stringify(message))
        expect(decoded.rejected).toEqual([])
        expect(decoded.messages).toEqual([message])
      }),
      { numRuns: RUNS }
    )
  })

  it('keeps the good entries of a batch when others are bad', () => {
    fc.assert(
      fc.property(
        fc.array(validServerMessage, { maxLength: 5 }),
        fc.array(fc.oneof(fc.anything(), mutatedServerMessage), { maxLength: 5 }),
        (good, other) => {
          const decoded = decodeServerFrame(
            JSON.stringify({ type: 'batch', messages: [...good, ...other] })
          )
          expect(decoded.messages.slice(0, good.length)).toEqual(good)
          expect(decoded.messages.length + decoded.rejected.length).toBe(good.length + other.length)
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('never echoes a field value into the rejection detail', () => {
    const marker = 'SECRET-MARKER-7f3a'
    fc.assert(
      fc.property(validServerMessage, fc.nat(), (message, pick) => {
        // Break the message by replacing one non-type field with the marker (wrong type for
        // most fields): the detail may name the path, never the value.
        const copy = structuredClone(message) as Record<string, unknown>
        const keys = Object.keys(copy).filter((k) => k !== 'type')
        if (keys.length === 0) return
        copy[keys[pick % keys.length] as string] = { nested: marker }
        for (const rejected of decodeServerFrame(JSON.stringify(copy)).rejected) {
          expect(rejected.detail).not.toContain(marker)
        }
      }),
      { numRuns: RUNS }
    )
  })
})
