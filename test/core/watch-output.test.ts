import { describe, expect, it } from 'vitest'
import { describeCoverage, jsonOutput, prettyOutput } from '@main/cli/watch-output'
import type { Coverage } from '@shared/connection-state'

// What `watch` says about coverage (src/main/cli/watch-output.ts, owned with the core): JSON
// state lines carry it as is; the pretty view says in words when part is not live.

const partial: Coverage = {
  level: 'partial',
  follow: 'per_workflow',
  live: 90,
  pending: 60,
  refused: 1,
  polled: 61
}

describe('watch output of coverage', () => {
  it('puts coverage on JSON state lines', () => {
    const lines: string[] = []
    jsonOutput((line) => lines.push(line)).state({ state: 'syncing', coverage: partial })
    expect(JSON.parse(lines[0]!)).toEqual({ kind: 'state', state: 'syncing', coverage: partial })
  })

  it('says in words what is live, waiting, refused and polled', () => {
    expect(describeCoverage(partial)).toBe(
      'coverage partial: 90 live, 60 waiting for the server, 1 refused, 61 polled over REST'
    )
    expect(
      describeCoverage({ ...partial, level: 'live', live: 1, pending: 0, refused: 0, polled: 0 })
    ).toBe('coverage live (1 subscription)')
    const lines: string[] = []
    prettyOutput((line) => lines.push(line), false).state({ state: 'open', coverage: partial })
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d ● open \(coverage partial: 90 live, .*61 polled over REST\)\n$/
    )
  })
})
