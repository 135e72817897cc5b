import { defineConfig } from 'vitest/config'

export default defineConfig({
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
