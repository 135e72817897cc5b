import { useState } from 'react'
import type { BridgeError, ConnectionTest, ProfileView } from '@shared/bridge'
import { useCommand } from '@renderer/lib/use-command'
import { useBridge } from '@renderer/store/use-dashboard'

/** What a person typed into the profile form. */
export interface ProfileValues {
  name: string
  server_url: string
  enabled: boolean
  auth_method: 'query' | 'message'
  allow_insecure: boolean
}

/** The profile form's values, its two commands (save, test connection) and their outcome. */
export function useProfileForm(profile: ProfileView | null, onSaved: () => void) {
  const bridge = useBridge()
  const save = useCommand()
  const test = useCommand()
  const [tested, setTested] = useState<ConnectionTest | null>(null)
  const [values, setValues] = useState<ProfileValues>({
    name: profile?.name ?? '',
    server_url: profile?.server_url ?? '',
    enabled: profile?.enabled ?? true,
    auth_method: profile?.auth_method ?? 'query',
    allow_insecure: profile?.allow_insecure ?? false
  })
  const existing = profile ? { id: profile.id } : {}
  return {
    values,
    set: (change: Partial<ProfileValues>) => setValues((v) => ({ ...v, ...change })),
    error: (save.error ?? test.error) as BridgeError | null,
    saving: save.pending,
    testing: test.pending,
    tested,
    async submit() {
      const result = await save.run(() =>
        bridge.saveProfile({ profile: { ...values, ...existing } })
      )
      if (result.ok) onSaved()
    },
    async test() {
      setTested(null)
      const result = await test.run(() =>
        bridge.testConnection({
          server_url: values.server_url,
          allow_insecure: values.allow_insecure,
          ...(profile ? { profile_id: profile.id } : {})
        })
      )
      if (result.ok) setTested(result.value)
    }
  }
}
