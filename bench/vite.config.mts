import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { aliases } from '../electron.vite.config'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')

// NEBULA_BENCH_SRC=<another checkout>: the harness measures that checkout's src/ instead (a
// before/after comparison with the same command; see bench/README.md).
const other = process.env.NEBULA_BENCH_SRC
const alias = other
  ? Object.fromEntries(
      Object.entries(aliases).map(([name, path]) => [name, resolve(other, relative(root, path))])
    )
  : aliases

// The benchmark harness is bundled like the CLI (same bundler, same aliases, Node target), so
// what it measures is the code the app ships. Each process the harness starts is one entry.
const entries = [
  'run',
  'sender',
  'core-receiver',
  'baseline-receiver',
  'gateway-rig',
  'fanout-clients',
  'ui-rig'
]

export default defineConfig({
  resolve: { alias },
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
