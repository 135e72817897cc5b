import { beforeAll, describe, expect, it } from 'vitest'

describe('a suite whose setup fails', () => {
  beforeAll(() => {
    throw new Error('the fixture server did not start')
  })

  it('would check one thing', () => {
    expect(true).toBe(true)
  })

  it('would check another', () => {
    expect(true).toBe(true)
  })
})
