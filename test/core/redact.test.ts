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

  it('removes known secrets of any shape, but not short strings that would wreck the text', () => {
    expect(redact('opaque-token-123456 failed', ['opaque-token-123456'])).toBe('[redacted] failed')
    expect(redact('a b c', ['a'])).toBe('a b c')
  })

  it('describes thrown values on one redacted line', () => {
    const error = new Error(`connect failed\nfor ?token=${JWT}`)
    expect(describeError(error)).toBe('connect failed for ?token=[redacted]')
    expect(describeError('plain string')).toBe('plain string')
  })
})
