import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  ExitCode,
  UsageError,
  checkProfileFlag,
  checkServerFlag,
  describeArgsError,
  exitCodeHelp,
  parseFlags,
  parseFraction,
  parseWholeNumber,
  readBoundedInput,
  type OptionTable
} from '@main/cli/common'
import { usageErrorOf } from './support'

// What every command shares (src/main/cli/common.ts): the exit-code table, value-free parse
// errors, flag parsing and checks, and the bounded stdin reader.

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

describe('parseFlags', () => {
  it('parses strictly, with negatives and positionals only where asked for', () => {
    const parsed = parseFlags(['set', '-p', 'work', '--no-json'], {
      options: OPTIONS,
      allowPositionals: true,
      allowNegative: true
    })
    expect(parsed.values).toEqual({ profile: 'work', json: false })
    expect(parsed.positionals).toEqual(['set'])
    expect(parseFlags([], { options: OPTIONS }).values).toEqual({})
  })

  it('refuses with the value-free words of describeArgsError', () => {
    const refuse = (argv: string[]) => usageErrorOf(() => parseFlags(argv, { options: OPTIONS }))
    expect(refuse([SECRET])).toMatch(/^unexpected argument \(not shown/)
    expect(refuse([`--token=${SECRET}`])).toBe('unknown option --token')
    // Negatives only where asked for.
    expect(refuse(['--no-json'])).toMatch(/^unknown option/)
    expect(refuse(['--profile'])).toBe('option --profile needs a value')
  })
})

describe('parseWholeNumber', () => {
  it('accepts digits from min to max', () => {
    expect(parseWholeNumber('0', 0, 65535, 'bad')).toBe(0)
    expect(parseWholeNumber('65535', 0, 65535, 'bad')).toBe(65535)
    expect(parseWholeNumber('007', 1, 10, 'bad')).toBe(7)
  })

  it.each(['', ' 7', '-1', '+1', '1.5', '1e3', '0x10', '65536', '9007199254740993', 'soon'])(
    "refuses %j with the caller's words",
    (value) => {
      expect(usageErrorOf(() => parseWholeNumber(value, 0, 65535, '--port needs 0..65535'))).toBe(
        '--port needs 0..65535'
      )
    }
  )

  it('refuses what is below min', () => {
    expect(usageErrorOf(() => parseWholeNumber('0', 1, 10, 'positive'))).toBe('positive')
  })
})

describe('parseFraction', () => {
  it('accepts numbers from 0 to 1', () => {
    expect(parseFraction('0', 'bad')).toBe(0)
    expect(parseFraction('0.25', 'bad')).toBe(0.25)
    expect(parseFraction('1', 'bad')).toBe(1)
  })

  it.each(['', '  ', '-0.1', '1.01', 'NaN', 'Infinity', 'half'])('refuses %j', (value) => {
    expect(usageErrorOf(() => parseFraction(value, 'a number 0..1'))).toBe('a number 0..1')
  })
})

describe('checkServerFlag and checkProfileFlag', () => {
  it('takes a server URL the monitor uses, and says why another is refused', () => {
    expect(() => checkServerFlag('https://nebula.example.com')).not.toThrow()
    expect(() => checkServerFlag('http://127.0.0.1:8000')).not.toThrow()
    expect(usageErrorOf(() => checkServerFlag('ftp://nebula.example.com'))).toMatch(
      /^--server: unsupported scheme/
    )
    // Clear text to another machine only when the caller allows it.
    expect(usageErrorOf(() => checkServerFlag('http://nebula.example.com'))).toMatch(
      /^--server: .*clear text/
    )
    expect(() => checkServerFlag('http://nebula.example.com', true)).not.toThrow()
  })

  it('takes a profile id, and refuses anything else without echoing it', () => {
    expect(() => checkProfileFlag('prod.eu_1-a')).not.toThrow()
    for (const profile of ['', 'bad id', 'x'.repeat(65), SECRET.replace(/\./g, '/')]) {
      const message = usageErrorOf(() => checkProfileFlag(profile))
      expect(message).toBe('--profile: use 1 to 64 characters from A-Z a-z 0-9 . _ -')
    }
  })
})
