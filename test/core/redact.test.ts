import { describe, expect, it } from 'vitest'
import { describeError, redact } from '@shared/redact'

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZXYiLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJlLXZhbHVl'

describe('redact', () => {
  it('removes query tokens, bearer values and anything JWT-shaped', () => {
    const text = `GET ws://h/api/v1/ws?token=${JWT}&x=1 Authorization: Bearer abc.def-ghi and ${JWT}`
    const out = redact(text)
    expect(out).not.toContain(JWT)
    expect(out).not.toContain('abc.def-ghi')
    expect(out).toContain('token=[redacted]&x=1')
    expect(out).toContain('Bearer [redacted]')
  })

  it('removes known secrets of any shape and length', () => {
    expect(redact('opaque-token-123456 failed', ['opaque-token-123456'])).toBe('[redacted] failed')
    // Four characters or more: everywhere, also inside other text.
    expect(redact('key=abcd1;abcd', ['abcd'])).toBe('key=[redacted]1;[redacted]')
    // Shorter ones wherever they stand as a word, never inside other words.
    expect(redact('token xyz rejected (xyz)', ['xyz'])).toBe(
      'token [redacted] rejected ([redacted])'
    )
    expect(redact('xyzzy and axyz', ['xyz'])).toBe('xyzzy and axyz')
    expect(redact('a b c', ['a'])).toBe('[redacted] b c')
    // The longer of two overlapping secrets goes whole.
    expect(redact('secret-token-long', ['secret', 'secret-token-long'])).toBe('[redacted]')
    expect(redact('nothing to hide', ['', 'a.b'])).toBe('nothing to hide')
  })

  it('removes credentials in URLs', () => {
    expect(redact('GET https://alice:hunter2@nebula.example.com/api/v1 failed')).toBe(
      'GET https://[redacted]@nebula.example.com/api/v1 failed'
    )
    expect(redact('wss://token-only@host:8000/ws and http://host/path@x')).toBe(
      'wss://[redacted]@host:8000/ws and http://host/path@x'
    )
  })

  it('removes the token from what a server says back', () => {
    const token = 'opaque-session-token-42'
    const serverText = `invalid token "${token}" for user dev`
    expect(redact(serverText, [token])).toBe('invalid token "[redacted]" for user dev')
  })

  it('describes thrown values on one redacted line', () => {
    const error = new Error(`connect failed\nfor ?token=${JWT}`)
    expect(describeError(error)).toBe('connect failed for ?token=[redacted]')
    expect(describeError('plain string')).toBe('plain string')
  })
})
