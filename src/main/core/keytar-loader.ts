import { createRequire } from 'node:module'
import { keychainModuleUnavailable } from './keychain-errors'

/** The three keychain calls the vault needs; keytar's module satisfies it. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

/** Loads keytar's native module; throws KeychainUnavailableError when it cannot be loaded. */
export function loadKeytarBackend(platform: NodeJS.Platform = process.platform): KeychainBackend {
  try {
    // Required lazily: a missing or mis-built native module must become a clear error at first
    // use, not a crash when this file is imported. libsecret also picks its D-Bus session from
    // the environment at this first load.
    const keytar = createRequire(import.meta.url)('keytar') as KeychainBackend
    return {
      getPassword: (service, account) => keytar.getPassword(service, account),
      setPassword: (service, account, password) => keytar.setPassword(service, account, password),
      deletePassword: (service, account) => keytar.deletePassword(service, account)
    }
  } catch (error) {
    throw keychainModuleUnavailable(error, platform)
  }
}
