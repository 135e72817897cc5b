import { startGateway } from '@gateway'
import type { DialectName, Gateway, GatewayOptions } from '@gateway'

// The one door from src/main to the bundled gateway (lint allows no other): local dev mode,
// `watch --local`, and `nebula-desktop gateway` all start it through here.

export { DIALECT_NAMES, isDialectName } from '@gateway'
export type { DialectName, Gateway, GatewayOptions }

/** Starts the bundled gateway as configured (`nebula-desktop gateway`). */
export function startBundledGateway(options: GatewayOptions): Promise<Gateway> {
  return startGateway(options)
}

/** The bundled gateway running in-process, with a token minted for this run. */
export interface LocalServer {
  url: string
  token: string
  gateway: Gateway
  close(): Promise<void>
}

// Local dev mode runs all day; a token that expired mid-session would look like a real outage.
const LOCAL_TOKEN_TTL_S = 30 * 24 * 60 * 60

/**
 * Starts the bundled gateway on a free loopback port (local dev mode, `watch --local`). It mints
 * its own token, so the dev login stays off.
 */
export async function startLocalServer(options: {
  subject: string
  log?: (line: string) => void
}): Promise<LocalServer> {
  const gateway = await startGateway({ port: 0, ...(options.log ? { log: options.log } : {}) })
  const token = await gateway.mintToken({
    sub: options.subject,
    expiresInSeconds: LOCAL_TOKEN_TTL_S
  })
  return { url: gateway.url, token, gateway, close: () => gateway.close() }
}
