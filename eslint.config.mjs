import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Runtime layers (see docs/ARCHITECTURE.md): the folder says where a file runs,
// and these import rules keep each folder to what its runtime has.
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

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'coverage', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-console': 'off'
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
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'The gateway depends only on src/shared.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              group: ['**/renderer/**', '**/main/electron/**', '../electron/*'],
              message: 'The Node core must not reach into the Electron adapters or the renderer.'
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
            {
              group: ['**/main/**', '**/gateway/**'],
              message: 'The renderer sees the main process only through the preload bridge.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOnlyPackages,
          patterns: [
            {
              group: ['**/main/**', '**/gateway/**', '**/renderer/**'],
              message: 'The preload exposes the shared contract only.'
            }
          ]
        }
      ]
    }
  }
)
