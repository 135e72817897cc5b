import { connect, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { describeNetworkError } from '@main/core/network-error'
import { freePort } from '../fixtures/gateway'

// Why a request got no answer, from the errors fetch() really throws on this machine.

/** What fetch() rejected with for `url` (it must reject). */
async function fetchFailure(url: string, timeoutMs = 5_000): Promise<unknown> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    return error
  }
  throw new Error(`${url} answered`)
}

describe('describeNetworkError', () => {
  it('says in words that nothing listens at the address, keeping the code', async () => {
    const error = await fetchFailure(`http://127.0.0.1:${await freePort()}/api/v1/workflows`)
    expect((error as Error).message).toBe('fetch failed')
    expect(describeNetworkError(error)).toBe('nothing is listening at that address (ECONNREFUSED)')
  })

  it('says a host name that does not resolve is unknown', async () => {
    // `.invalid` never resolves (RFC 2606); without DNS the lookup fails differently, also said.
    const error = await fetchFailure('http://nebula.invalid/api/v1/workflows')
    expect(describeNetworkError(error)).toMatch(
      /^(no such host \(ENOTFOUND\)|the host name could not be looked up \(EAI_AGAIN\))$/
    )
  })

  it('says a server that never answers gave no answer in time', async () => {
    const sockets: Socket[] = []
    const silent = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy()
      silent.close()
    })
    const { port } = silent.address() as AddressInfo
    const error = await fetchFailure(`http://127.0.0.1:${port}/`, 200)
    expect(describeNetworkError(error)).toBe('no answer in time')
  })

  it('reads a socket error the same way (the code on the error itself)', async () => {
    const port = await freePort()
    const error = await new Promise<Error>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', resolve)
    })
    expect(describeNetworkError(error)).toBe('nothing is listening at that address (ECONNREFUSED)')
  })

  it('falls back to the message, redacted, when there is no code', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.secret-part.signature'
    const error = new Error(`refused ${token}`)
    expect(describeNetworkError(error, [token])).not.toContain('secret-part')
    expect(describeNetworkError(new Error('boom'))).toBe('boom')
  })
})
