import { startBundledGateway } from '@main/core/local-server'
import type { GatewayOptions, LocalServer } from '@main/core/local-server'
import { LOCAL_PROFILE_ID } from '@shared/settings'
import type { ProfileSettings } from '@shared/settings'

// Local dev mode: the bundled gateway in-process on a free loopback port, with a token minted
// for this run. It is a built-in profile (LOCAL_PROFILE_ID), never stored in the settings file.

/** Starts the gateway local dev mode watches; tests inject one with their own engine. */
export type LocalServerFactory = (log: (line: string) => void) => Promise<LocalServer>

/** The subject of the minted token (shown as "signed in as"). */
export const LOCAL_SUBJECT = 'local-desktop'

// Local dev mode runs all day; a token that expired mid-session would look like an outage.
const LOCAL_TOKEN_TTL_S = 30 * 24 * 60 * 60

/** A factory for the bundled gateway with these options (e.g. `ui --failure-rate`). */
export function localGatewayFactory(gateway: Partial<GatewayOptions> = {}): LocalServerFactory {
  return async (log) => {
    const server = await startBundledGateway({ ...gateway, host: '127.0.0.1', port: 0, log })
    try {
      const token = await server.mintToken({
        sub: LOCAL_SUBJECT,
        expiresInSeconds: LOCAL_TOKEN_TTL_S
      })
      return { url: server.url, token, gateway: server, close: () => server.close() }
    } catch (error) {
      await server.close()
      throw error
    }
  }
}

/** The built-in profile's settings for a gateway at `url`. */
export function localProfileSettings(url: string): ProfileSettings {
  return {
    id: LOCAL_PROFILE_ID,
    name: 'Local dev mode',
    server_url: url,
    enabled: true,
    auth_method: 'query',
    allow_insecure: false
  }
}
