import { describe, expect, it } from 'vitest'
import { skipWith } from '../helpers/skip'
import { PASTED_TOKEN, cli, startGateway, useBuiltCli, watch, watchServer } from './support'
import { nonLoopbackAddress } from '../helpers/network'

// Secrets and the built CLI: a stray argument (often a pasted token) is reported without its
// value by every command, `watch --token-stdin` reads a bounded amount, and `watch` refuses to
// send a token in clear text to another machine unless told to with --allow-insecure.

useBuiltCli()

describe('secrets on the command line and stdin, built CLI', () => {
  it.each([
    [['watch', '--local', PASTED_TOKEN]],
    [['watch', '--server', 'https://nebula.example.com', PASTED_TOKEN]],
    [['watch', '--server', 'https://nebula.example.com', '--token-env', PASTED_TOKEN]],
    [['token', 'status', PASTED_TOKEN]],
    [['gateway', PASTED_TOKEN]],
    [['gateway', '--port', '0', `--${PASTED_TOKEN}`]],
    [[PASTED_TOKEN]]
  ])('a stray argument is reported without its value: %#', async (args) => {
    const child = cli(args)
    const exit = await child.waitForExit(10_000)
    expect(exit.code, child.stderr).toBe(2)
    expect(child.stderr).toMatch(/^nebula-desktop( \w+)?: /)
    expect(child.output).not.toContain(PASTED_TOKEN.slice(0, 20))
    expect(child.output).not.toContain(PASTED_TOKEN.split('.')[1])
  })

  it('--token-stdin reads a token from a pipe and connects', async () => {
    const gateway = await startGateway()
    const token = await gateway.mintToken({ sub: 'stdin-user' })
    const child = watch(
      ['--server', gateway.url, '--token-stdin', '--format', 'json', '--no-state'],
      {},
      { input: `${token}\n` }
    )
    await child.waitForOutput(/"kind":"state","state":"open"/, 15_000)
    child.kill('SIGTERM')
    expect(await child.waitForExit(10_000)).toEqual({ code: 0, signal: null })
    expect(child.output).not.toContain(token)
  })

  it('--token-stdin refuses more input than a token can be, without echoing it', async () => {
    const child = watch(
      ['--server', 'http://127.0.0.1:1', '--token-stdin', '--no-state'],
      {},
      { input: `${PASTED_TOKEN}${'x'.repeat(80 * 1024)}` }
    )
    const exit = await child.waitForExit(10_000)
    expect(exit.code, child.stderr).toBe(2)
    expect(child.stderr).toMatch(/larger than 65536 bytes/)
    expect(child.output).not.toContain(PASTED_TOKEN.slice(0, 20))
  })
})

describe('clear-text servers, built CLI', () => {
  it('refuses http to another machine up front with exit 2, naming https', async () => {
    const child = watchServer('http://nebula.example.com', 'not-sent-anywhere-token', [])
    const exit = await child.waitForExit(10_000)
    expect(exit.code, child.stderr).toBe(2)
    expect(child.stderr).toMatch(/^nebula-desktop watch: --server: .*https.*--allow-insecure/)
    expect(child.stdout).toBe('')
  })

  it('connects over http to another address of this machine only with --allow-insecure', async (context) => {
    const address = nonLoopbackAddress()
    if (!address) {
      skipWith(context, 'this machine has no IPv4 address other than loopback to serve on')
      return
    }
    const gateway = await startGateway({ host: address })
    const token = await gateway.mintToken({ sub: 'insecure-user' })
    const refused = watchServer(gateway.url, token)
    expect((await refused.waitForExit(10_000)).code, refused.stderr).toBe(2)
    expect(refused.stderr).toContain('https')

    const allowed = watchServer(gateway.url, token, ['--format', 'json', '--allow-insecure'])
    await allowed.waitForOutput(/"kind":"state","state":"open"/, 15_000)
    allowed.kill('SIGTERM')
    expect(await allowed.waitForExit(10_000)).toEqual({ code: 0, signal: null })
    expect(allowed.output).not.toContain(token)
  })
})
