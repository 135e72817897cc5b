import { describe, expect, it } from 'vitest'
import { skipAllIf } from '../skip'

describe('needs a tool that is missing', () => {
  skipAllIf('the frobnicator is not installed here', 'frobnicator tests')

  it('frobnicates', () => {
    expect.fail('must not run')
  })

  it('defrobnicates', () => {
    expect.fail('must not run')
  })
})

it.skip('is skipped without saying why', () => {})
