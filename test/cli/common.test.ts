import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  ExitCode,
  UsageError,
  describeArgsError,
  exitCodeHelp,
  readBoundedInput,
  type OptionTable
} from '@main/cli/common'

// What every command shares (src/main/cli/common.ts): the exit-code table, value-free parse
// errors and the bounded stdin reader.

const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl'
const OPTIONS = {
  profile: { type: 'string', short: 'p' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies OptionTable

/** The message describeArgsError gives for `argv`, which parseArgs must refuse. */
function describeFailure(argv: string[]): string {
  try {
    parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false })
  } catch (error) {
    return describeArgsError(error, argv, OPTIONS)
  }
  throw new Error(`parseArgs accepted ${argv.length} argument(s)`)
}

describe('ExitCode', () => {
  it('keeps the documented numbers', () => {
    expect(ExitCode).toEqual({
      Ok: 0,
      Failure: 1,
      Usage: 2,
      AuthFailed: 3,
      GaveUp: 4,
      KeychainUnavailable: 5,
      Busy: 6
    })
  })

  it('renders a help block, one line per code', () => {
    expect(
      exitCodeHelp([
        [ExitCode.Ok, 'done'],
        [ExitCode.Usage, 'usage error']
      ])
    ).toBe('exit codes:\n  0  done\n  2  usage error\n')
  })
})

describe('describeArgsError', () => {
  it.each([
    [[SECRET], /^unexpected argument \(not shown/],
    [['--json', SECRET], /^unexpected argument \(not shown/],
    [[`--token=${SECRET}`], /^unknown option --token$/],
    [['--token', SECRET], /^unknown option --token$/],
    [[`--${SECRET}`], /^unknown option$/],
    [['--profile'], /^option --profile needs a value$/],
    [[`--json=${SECRET}`], /^option --json takes no value$/],
    [['--profile', `-${SECRET}`], /^option --profile needs a value$/]
  ])('names the problem without quoting a value: %j', (argv, expected) => {
    const message = describeFailure(argv)
    expect(message).toMatch(expected)
    expect(message).not.toContain(SECRET.slice(0, 12))
  })
})

describe('readBoundedInput', () => {
  it('reads everything up to the bound', async () => {
    const input = Readable.from([Buffer.from('abc'), 'def'])
    expect(await readBoundedInput(input, 6)).toBe('abcdef')
  })

  it('refuses more than the bound and stops reading', async () => {
    let produced = 0
    // An endless source: only a reader that stops on its own can finish this test.
    const endless = new Readable({
      read() {
        produced += 1
        this.push(Buffer.alloc(1024, 0x61))
      }
    })
    const error = await readBoundedInput(endless, 4096, 'stdin').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe('stdin is larger than 4096 bytes')
    expect(produced).toBeLessThan(64)
    expect(endless.destroyed).toBe(true)
  })
})
