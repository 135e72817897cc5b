import { LOCAL_PROFILE_ID } from '@shared/settings'
import type { ProfileSettings } from '@shared/settings'
import type { ConnectionTest, ParsedRequest, ProfileInput } from '@shared/bridge/contract'
import type { TokenInfo } from '@shared/bridge/views'
import {
  InsecureServerUrlError,
  ServerUrlError,
  resolveServerEndpoints
} from '@main/core/server-url'
import type { BridgeHandlers } from './bridge-host'
import { BridgeFailure, invalidField } from './bridge-failure'
import type { AppContext } from './app-context'
import { InvalidSettingsError } from './settings-store'
import { testConnection } from './rest-extras'

// Commands about profiles and sign-in. The token is write-only: `signIn` hands it to the vault
// (the OS keychain) and answers what may be known about it; nothing here ever returns it.

type ProfileHandlers = Pick<
  BridgeHandlers,
  | 'signIn'
  | 'signOut'
  | 'saveProfile'
  | 'removeProfile'
  | 'switchProfile'
  | 'testConnection'
  | 'setLocalDevMode'
>

/** The handlers of the profile commands. */
export function profileCommands(context: AppContext): ProfileHandlers {
  return {
    signIn: (request) => signIn(context, request),
    signOut: (request) => signOut(context, request),

    async saveProfile({ profile: input }) {
      const profile = checkedProfile(context, input)
      updateSettings(context, (settings) => {
        const index = settings.profiles.findIndex((p) => p.id === profile.id)
        if (index >= 0) settings.profiles[index] = profile
        else settings.profiles.push(profile)
        settings.active_profile_id ??= profile.id
        return settings
      })
      // The person's own edit of an overridden profile wins over the override.
      if (context.overrides.server?.profile === profile.id) delete context.overrides.server
      await context.refreshToken(profile.id)
      await context.settingsChanged()
      return context.profileView(profile.id)!
    },

    async removeProfile({ profile_id }) {
      requireSavedProfile(context, profile_id)
      updateSettings(context, (settings) => {
        settings.profiles = settings.profiles.filter((p) => p.id !== profile_id)
        if (settings.active_profile_id === profile_id) settings.active_profile_id = null
        return settings
      })
      if (context.overrides.server?.profile === profile_id) delete context.overrides.server
      // A removed profile leaves no secret behind.
      await context.vault.delete(profile_id)
      await context.settingsChanged()
      context.forgetProfile(profile_id)
      return null
    },

    async switchProfile({ profile_id }) {
      const known =
        profile_id === LOCAL_PROFILE_ID
          ? context.effective().local_dev_mode
          : context.effective().profiles.some((p) => p.id === profile_id)
      if (!known)
        throw new BridgeFailure('not_found', `there is no profile "${profile_id}"`, 'profile_id')
      const saved =
        profile_id === LOCAL_PROFILE_ID ||
        context.store.value.profiles.some((p) => p.id === profile_id)
      if (saved)
        updateSettings(context, (settings) => ({ ...settings, active_profile_id: profile_id }))
      await context.settingsChanged()
      return null
    },

    testConnection: (request) => checkConnection(context, request),

    async setLocalDevMode({ enabled }) {
      delete context.overrides.localDevMode
      updateSettings(context, (settings) => ({
        ...settings,
        local_dev_mode: enabled,
        active_profile_id:
          !enabled && settings.active_profile_id === LOCAL_PROFILE_ID
            ? null
            : settings.active_profile_id
      }))
      await context.settingsChanged()
      return null
    }
  }
}

/** Stores the token in the vault (write-only) and reconnects the profile with it. */
async function signIn(
  context: AppContext,
  { profile_id, token }: ParsedRequest<'signIn'>
): Promise<TokenInfo> {
  requireSavedProfile(context, profile_id)
  await context.vault.set(profile_id, token)
  const info = await context.refreshToken(profile_id)
  context.sessions.get(profile_id)?.session?.tokenChanged()
  return info
}

/** Deletes the profile's token; its session then needs a sign-in. */
async function signOut(
  context: AppContext,
  { profile_id }: ParsedRequest<'signOut'>
): Promise<TokenInfo> {
  requireSavedProfile(context, profile_id)
  await context.vault.delete(profile_id)
  const info = await context.refreshToken(profile_id)
  context.sessions.get(profile_id)?.session?.tokenChanged()
  return info
}

/** "Test connection": a saved profile's token (or none) against an address. */
async function checkConnection(
  context: AppContext,
  { server_url, allow_insecure, profile_id }: ParsedRequest<'testConnection'>
): Promise<ConnectionTest> {
  let token: string | null = null
  if (profile_id !== undefined) {
    const runtime = context.sessions.get(profile_id)
    if (runtime) token = await runtime.getToken()
    else {
      requireSavedProfile(context, profile_id)
      token = await context.vault.get(profile_id)
    }
  }
  return testConnection(server_url, token, allow_insecure)
}

/** A profile this run knows (saved, or from an override); the local one has no token to manage. */
function requireSavedProfile(context: AppContext, profileId: string): void {
  if (profileId === LOCAL_PROFILE_ID) {
    throw invalidField('profile_id', 'local dev mode signs itself in with a token it mints')
  }
  if (!context.effective().profiles.some((p) => p.id === profileId)) {
    throw new BridgeFailure('not_found', `there is no profile "${profileId}"`, 'profile_id')
  }
}

/** Applies a settings change; schema problems become field errors of the request. */
function updateSettings(
  context: AppContext,
  change: Parameters<AppContext['store']['update']>[0]
): void {
  // A read-only store (a newer version's file) still applies changes for this run.
  try {
    context.store.update(change)
  } catch (error) {
    if (error instanceof InvalidSettingsError) {
      if (error.field === 'profiles')
        throw new BridgeFailure('conflict', `too many profiles: ${error.message}`)
      const field = error.field.replace(/^profiles\.\d+\./, 'profile.')
      throw invalidField(field, error.message)
    }
    throw error
  }
}

/** The profile to save, with an id, checked beyond the schema (usable URL, insecure transport). */
function checkedProfile(context: AppContext, input: ProfileInput): ProfileSettings {
  if (input.id === LOCAL_PROFILE_ID) {
    throw invalidField('profile.id', `"${LOCAL_PROFILE_ID}" is the built-in local dev mode profile`)
  }
  try {
    resolveServerEndpoints(input.server_url, { allowInsecure: input.allow_insecure })
  } catch (error) {
    if (error instanceof InsecureServerUrlError) {
      throw invalidField(
        'profile.server_url',
        'this address is not encrypted and not on this machine, so the token would travel in clear text: use https://, or allow an insecure connection'
      )
    }
    if (error instanceof ServerUrlError) throw invalidField('profile.server_url', error.message)
    throw error
  }
  const taken = new Set([LOCAL_PROFILE_ID, ...context.store.value.profiles.map((p) => p.id)])
  const id = input.id ?? uniqueId(slugOf(input.name), taken)
  return { ...input, id }
}

/** A profile id from a name: lower-case words joined by '-', within the id pattern. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 56)
  return slug || 'profile'
}

function uniqueId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}
