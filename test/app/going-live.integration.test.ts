import { afterEach, describe, expect, it } from 'vitest'
import { isTerminalStatus } from '@shared/protocol'
import { TokenVault } from '@main/core/token-vault'
import { memoryKeychain, startTestApp } from '../fixtures/app'
import type { TestApp } from '../fixtures/app'
import { RestartableGateway } from '../fixtures/gateway'
import { waitUntil } from '../helpers/wait'
import { waitForOpen, waitForSnapshot } from './support'

// What a profile's dashboard shows once it is live again after an outage: reconciliation brings
// back the failures and the runs still open; the service also reads the newest executions, so a
// run that completed while the server was away is in the table, not only under "Load older".

let app: TestApp | undefined
let gateway: RestartableGateway | undefined
afterEach(async () => {
  await app?.dispose()
  await gateway?.dispose()
  app = gateway = undefined
})

describe('going live again', () => {
  it('shows an execution that completed during the outage', async () => {
    gateway = await RestartableGateway.start({
      autoRun: false,
      actionDelayMs: [5, 20],
      seed: 77,
      failureRate: 0
    })
    const vault = new TokenVault({ backend: memoryKeychain() })
    await vault.set('prod', await gateway.gateway.mintToken({ sub: 'ops' }))
    app = await startTestApp({
      localDevMode: false,
      vault,
      profiles: [{ id: 'prod', name: 'Production', server_url: gateway.gateway.url }]
    })
    await waitForOpen(app, 'prod')

    await gateway.stop()
    await waitForSnapshot(
      app,
      (s) => s.profiles[0]!.connection.state !== 'open',
      'the profile to notice the outage'
    )
    const engine = gateway.engine
    const run = engine.startExecution('wf_partner_sync', {}, { outcome: 'succeed' })!
    await waitUntil(() => isTerminalStatus(engine.getExecution(run.id)!.status), {
      what: 'the run to complete while the server is away'
    })
    await gateway.resume()

    const snap = await waitForSnapshot(
      app,
      (s) => s.executions.some((e) => e.id === run.id),
      'the completed run in the table',
      20_000
    )
    expect(snap.executions.find((e) => e.id === run.id)).toMatchObject({
      profile_id: 'prod',
      status: 'completed'
    })
    expect(snap.failures).toEqual([])
  })
})
