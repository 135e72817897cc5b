import { defineConfig } from 'vitest/config'
import { aliases } from './electron.vite.config'

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here and in CI: integration files open many sockets, so cap parallel files.
    maxWorkers: 2,
    benchmark: { include: ['bench/**/*.bench.ts'] }
  }
})
