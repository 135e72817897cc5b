// Where JSON text first goes wrong, by offset. JSON.parse says why but engines disagree on
// where (some give a position, some a line and column, some only a snippet), so a small scanner
// of the JSON grammar finds the place itself. Used only after JSON.parse has failed.

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

class Stop extends Error {
  constructor(readonly offset: number) {
    super('json error')
  }
}

/** The offset of the first character that makes `text` not JSON (text.length: it ends early). */
export function firstJsonErrorOffset(text: string): number {
  let i = 0
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i])) i++
  }
  const match = (pattern: RegExp) => {
    pattern.lastIndex = i
    if (!pattern.test(text)) throw new Stop(i)
    i = pattern.lastIndex
  }
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw new Stop(i)
      i++
    }
  }
  const value = (): void => {
    skip()
    const ch = text[i]
    if (ch === '{') return object()
    if (ch === '[') return array()
    if (ch === '"') return match(STRING)
    if (ch === 't') return literal('true')
    if (ch === 'f') return literal('false')
    if (ch === 'n') return literal('null')
    if (ch === '-' || (ch >= '0' && ch <= '9')) return match(NUMBER)
    throw new Stop(i)
  }
  const object = () => {
    i++
    skip()
    if (text[i] === '}') return void i++
    for (;;) {
      skip()
      if (text[i] !== '"') throw new Stop(i)
      match(STRING)
      skip()
      if (text[i] !== ':') throw new Stop(i)
      i++
      value()
      skip()
      if (text[i] === ',') i++
      else if (text[i] === '}') return void i++
      else throw new Stop(i)
    }
  }
  const array = () => {
    i++
    skip()
    if (text[i] === ']') return void i++
    for (;;) {
      value()
      skip()
      if (text[i] === ',') i++
      else if (text[i] === ']') return void i++
      else throw new Stop(i)
    }
  }
  try {
    value()
    skip()
    return i < text.length ? i : -1
  } catch (error) {
    if (error instanceof Stop) return Math.min(error.offset, text.length)
    throw error
  }
}

/** 1-based line and column of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: before[before.length - 1].length + 1 }
}
