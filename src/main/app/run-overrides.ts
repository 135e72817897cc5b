import { DEFAULT_PROFILE } from '@main/core/token-vault'
import { PROFILE_ID_PATTERN, ServerUrlSchema } from '@shared/settings'
import type { AppSettings } from '@shared/settings'

// Settings for this run only, never saved: `NEBULA_SERVER_URL` / `NEBULA_PROFILE` (the app and
// `ui`), and `ui --local` / `ui --server URL --profile ID`. A person changing the same setting
// in the dashboard wins: the service drops the override it replaces.

export interface RunOverrides {
  /** Watch this server as profile `profile` (its saved URL replaced, or an extra profile). */
  server?: { url: string; profile: string }
  /** Local dev mode on or off for this run. */
  localDevMode?: boolean
}

/**
 * The overrides the environment asks for (`NEBULA_SERVER_URL`, `NEBULA_PROFILE`). A URL no
 * profile could hold is ignored (`onIgnored` says why): saved profiles or local dev mode run.
 */
export function overridesFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  onIgnored: (reason: string) => void = () => {}
): RunOverrides {
  const url = env.NEBULA_SERVER_URL?.trim()
  if (!url) return {}
  const checked = ServerUrlSchema.safeParse(url)
  if (!checked.success) {
    onIgnored(
      `NEBULA_SERVER_URL ignored: ${checked.error.issues[0]?.message ?? 'not a server address'}`
    )
    return {}
  }
  const named = env.NEBULA_PROFILE?.trim()
  const profile = named && PROFILE_ID_PATTERN.test(named) ? named : DEFAULT_PROFILE
  if (named && profile !== named)
    onIgnored(`NEBULA_PROFILE is not a valid profile id; using "${profile}"`)
  return { server: { url: checked.data, profile } }
}

/**
 * The settings this run uses: the saved ones with the overrides on top. A server override also
 * turns local dev mode off (as `NEBULA_SERVER_URL` always did) unless told otherwise, and makes
 * that profile the default one when none is chosen.
 */
export function applyOverrides(saved: AppSettings, overrides: RunOverrides): AppSettings {
  const settings = structuredClone(saved)
  const server = overrides.server
  if (server) {
    const existing = settings.profiles.find((p) => p.id === server.profile)
    if (existing) {
      existing.server_url = server.url
      existing.enabled = true
    } else {
      settings.profiles.push({
        id: server.profile,
        name: server.profile,
        server_url: server.url,
        enabled: true,
        auth_method: 'query',
        allow_insecure: false
      })
    }
    settings.active_profile_id ??= server.profile
    settings.local_dev_mode = false
  }
  if (overrides.localDevMode !== undefined) settings.local_dev_mode = overrides.localDevMode
  return settings
}
