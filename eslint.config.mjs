import { builtinModules } from 'node:module'
import path from 'node:path'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Runtime layers (see docs/ARCHITECTURE.md): the folder says where a file runs, and these
// import rules keep each folder to what its runtime has. test/lint/layers.test.ts feeds each
// forbidden import through this config and expects it to be rejected.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const electronOnly = {
  name: 'electron',
  message: 'Only src/main/electron/*, src/main/index.ts and src/preload may import electron.'
}
const nodeOnlyPackages = ['ws', 'keytar', 'jose'].map((name) => ({
  name,
  message: `${name} is Node-only and does not belong in this runtime.`
}))
const builtinPaths = nodeBuiltins.map((name) => ({
  name,
  message: 'This layer runs without Node.'
}))
/** Cross-folder imports go through the path aliases (@shared, @gateway, @main, …). */
const noDeepRelative = {
  group: ['../../*', '../../**'],
  message: 'Use a path alias (@shared/…, @main/…, @gateway, @renderer/…) instead of ../../'
}
/** Imports of other layers, by alias or by a one-level relative path (deeper ones are banned). */
const layer = (name, dirs) => ({
  group: dirs.flatMap((d) => [`@${d}`, `@${d}/**`, `../${d}`, `../${d}/**`]),
  message: `${name} may not import this layer.`
})
const gatewayImports = ['@gateway', '@gateway/**']

/** One file-naming style: kebab-case (lower-case words joined by '-'), any extension. */
const kebabCaseFiles = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    const base = path.basename(context.filename)
    if (/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*$/.test(base)) return {}
    return {
      Program(node) {
        context.report({ node, message: `File name "${base}" is not kebab-case.` })
      }
    }
  }
}

export default tseslint.config(
  {
    ignores: ['node_modules', 'out', 'dist', 'coverage', 'test-results', 'bench/results', 'release']
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { nebula: { rules: { 'kebab-case-files': kebabCaseFiles } } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-console': 'off',
      'nebula/kebab-case-files': 'error',
      'no-restricted-imports': ['error', { patterns: [noDeepRelative] }]
    }
  },
  {
    // Small modules and functions: past these, split by what the parts are.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }]
    }
  },
  {
    // The CLI launcher and build scripts are plain CommonJS run by Node.
    files: ['bin/**/*.js', 'scripts/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronOnly,
            ...nodeOnlyPackages,
            ...builtinPaths,
            { name: 'react', message: 'shared is runtime-neutral.' }
          ],
          patterns: [
            noDeepRelative,
            layer('src/shared', ['main', 'gateway', 'preload', 'renderer'])
          ]
        }
      ]
    }
  },
  {
    files: ['src/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            noDeepRelative,
            layer('The gateway (it depends only on src/shared)', ['main', 'preload', 'renderer'])
          ]
        }
      ]
    }
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/main/index.ts', 'src/main/core/local-server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            noDeepRelative,
            layer('The Node side of main (only the Electron adapters run in Electron)', [
              'renderer',
              'preload',
              'main/electron'
            ]),
            {
              group: gatewayImports,
              message: 'Only src/main/core/local-server.ts may import the gateway.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/main/electron/**/*.ts', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDeepRelative,
            layer('The Electron main process', ['renderer', 'preload']),
            {
              group: gatewayImports,
              message: 'Only src/main/core/local-server.ts may import the gateway.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeOnlyPackages, ...builtinPaths],
          patterns: [
            noDeepRelative,
            layer('The renderer (it sees main only through window.nebula)', [
              'main',
              'gateway',
              'preload'
            ])
          ]
        }
      ]
    }
  },
  {
    // Sandboxed preloads can load nothing but `electron`: no Node built-ins, no zod, no
    // packages; types from the contract are fine (they vanish at build time).
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeOnlyPackages,
            ...builtinPaths,
            // Types vanish at build time; only a value import would make the preload load zod.
            { name: 'zod', allowTypeImports: true, message: 'A sandboxed preload cannot load zod.' }
          ],
          patterns: [
            noDeepRelative,
            layer('The preload (it exposes the shared contract only)', [
              'main',
              'gateway',
              'renderer'
            ]),
            {
              regex: '^@shared/(?!bridge/channels$)',
              allowTypeImports: true,
              message:
                'The preload may load only electron and @shared/bridge/channels at run time (types are fine).'
            }
          ]
        }
      ]
    }
  }
)
