import { describe, expect, it } from 'vitest'
import { LogBuffer } from '@renderer/store/log-buffer'
import { LogFilter } from '@renderer/store/log-filter'
import { lines } from './support'

describe('LogBuffer', () => {
  it('keeps lines in seq order, drops repeats and interns levels and actions', () => {
    const buffer = new LogBuffer()
    expect(buffer.append(lines(1, 3))).toBe(3)
    expect(buffer.append(lines(2, 5, 'WARN'))).toBe(2)
    expect(buffer.length).toBe(5)
    expect(buffer.row(4)).toMatchObject({
      seq: 5,
      level: 'warn',
      message: 'line 5',
      actionId: null
    })
    expect(buffer.levels()).toEqual(['info', 'warn'])
    buffer.append([
      { seq: 6, timestamp: 'not a time', level: 'error', message: 'boom', action_id: 'act_2' }
    ])
    expect(buffer.row(5)).toMatchObject({ level: 'error', actionId: 'act_2' })
    expect(Number.isNaN(buffer.row(5).time)).toBe(true)
  })

  it('holds 100,000 lines and past its cap drops the oldest quarter', () => {
    const buffer = new LogBuffer(1000)
    buffer.append(lines(1, 1000))
    expect(buffer.truncated).toBe(false)
    const epoch = buffer.epoch
    buffer.append(lines(1001, 1001))
    expect(buffer.length).toBe(751)
    expect(buffer.row(0).seq).toBe(251)
    expect(buffer.row(750).seq).toBe(1001)
    expect(buffer.truncated).toBe(true)
    expect(buffer.epoch).not.toBe(epoch)

    const big = new LogBuffer()
    big.append(lines(1, 100_000))
    expect(big.length).toBe(100_000)
    expect(big.row(99_999).message).toBe('line 100000')
  })
})

describe('LogFilter', () => {
  it('filters by level and text, extending matches as lines arrive', () => {
    const buffer = new LogBuffer()
    buffer.append([
      ...lines(1, 4, 'info', (n) => `Payment ${n} accepted`),
      ...lines(5, 6, 'error', (n) => `payment ${n} DECLINED`)
    ])
    const filter = new LogFilter()
    expect(filter.update(buffer, { levels: null, query: '' })).toBe(6)
    expect(filter.passesAll).toBe(true)

    const errors = { levels: new Set(['error']), query: '' }
    expect(filter.update(buffer, errors)).toBe(2)
    expect(filter.lineAt(0)).toBe(4)

    const declined = { levels: null, query: 'declined' }
    expect(filter.update(buffer, declined)).toBe(2)
    buffer.append(lines(7, 7, 'warn', () => 'retry after Declined card'))
    expect(filter.update(buffer, declined)).toBe(3)
    expect(buffer.row(filter.lineAt(2)).seq).toBe(7)
    // Characters that mean something in a RegExp are searched for literally.
    expect(filter.update(buffer, { levels: null, query: '(.*)' })).toBe(0)
  })
})
