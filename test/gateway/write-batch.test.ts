import { Duplex } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { WriteBatch } from '@gateway/write-batch'

// The gateway holds each socket's writes until the end of the event-loop turn, so frames sent to
// one socket in the same turn (several fan-outs) leave in one write. A real stream stands in for
// the socket: what matters is how many writes reach it, and in what order.

/** A duplex stream that records each batch of chunks it is asked to write. */
function recordingStream(): { stream: Duplex; writes: string[][] } {
  const writes: string[][] = []
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()])
      done()
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => (c.chunk as Buffer).toString()))
      done()
    }
  })
  return { stream, writes }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('WriteBatch', () => {
  it('lets the frames of one turn go as one write, in order', async () => {
    const batch = new WriteBatch()
    const a = recordingStream()
    const b = recordingStream()
    for (const frame of ['1', '2', '3']) {
      batch.hold(a.stream)
      a.stream.write(frame)
      batch.hold(b.stream)
      b.stream.write(`b${frame}`)
    }
    expect(a.writes).toEqual([])
    await turn()
    expect(a.writes).toEqual([['1', '2', '3']])
    expect(b.writes).toEqual([['b1', 'b2', 'b3']])

    // The next turn starts a new batch.
    batch.hold(a.stream)
    a.stream.write('4')
    await turn()
    expect(a.writes).toEqual([['1', '2', '3'], ['4']])
    batch.dispose()
  })

  it('lets everything go at dispose and holds nothing afterwards', () => {
    const batch = new WriteBatch()
    const a = recordingStream()
    batch.hold(a.stream)
    a.stream.write('held')
    batch.dispose()
    expect(a.writes).toEqual([['held']])
    batch.hold(a.stream)
    a.stream.write('direct')
    expect(a.writes).toEqual([['held'], ['direct']])
  })

  it('skips a socket destroyed while held', async () => {
    const batch = new WriteBatch()
    const a = recordingStream()
    batch.hold(a.stream)
    a.stream.write('lost with the socket')
    a.stream.destroy()
    await turn()
    expect(a.writes).toEqual([])
    batch.dispose()
  })
})
