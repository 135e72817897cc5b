import { configDefaults, defineConfig } from 'vitest/config'
import { aliases } from './electron.vite.config'

// `npm test` runs every test but the Electron end-to-end specs; `npm run test:e2e` sets
// NEBULA_E2E=1 and runs only those (they need Electron's binary and a display).
const e2e = process.env.NEBULA_E2E === '1'
const E2E_SPECS = 'test/**/*.e2e.test.ts'

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: e2e ? [E2E_SPECS] : ['test/**/*.test.ts'],
    exclude: e2e ? configDefaults.exclude : [...configDefaults.exclude, E2E_SPECS],
    environment: 'node',
    // One child process per test file (isolate is on by default): the keychain tests point
    // process.env at their private D-Bus session before keytar loads, which only works in a
    // process of their own.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here and in CI: integration files open many sockets, so cap parallel files.
    maxWorkers: 2
  }
})
