import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { aliases } from '../electron.vite.config'

const here = dirname(fileURLToPath(import.meta.url))

// The benchmark harness is bundled like the CLI (same bundler, same aliases, Node target), so
// what it measures is the code the app ships. Each process the harness starts is one entry.
const entries = [
  'run',
  'sender',
  'core-receiver',
  'baseline-receiver',
  'gateway-rig',
  'fanout-clients'
]

export default defineConfig({
  resolve: { alias: aliases },
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(here, '../out/bench'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: Object.fromEntries(
        entries.map((name) => [name, resolve(here, name === 'run' ? 'run.ts' : `procs/${name}.ts`)])
      ),
      output: {
        format: 'cjs',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js'
      }
    }
  }
})
