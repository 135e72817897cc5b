import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// The runtime layers of docs/ARCHITECTURE.md as eslint.config.mjs enforces them: each forbidden
// import goes through ESLint's Node API (the project's own config, as `npm run lint` loads it)
// and must be rejected by the rule that guards it; each allowed case must pass, so a rule that
// rejects everything is noticed too. The files named here need not exist: ESLint picks the
// config by path.

const ROOT = resolve(__dirname, '..', '..')
const IMPORTS = 'no-restricted-imports'
const FILE_NAMES = 'nebula/kebab-case-files'

interface Case {
  /** Where the code is pretended to live, relative to the repository. */
  file: string
  /** The import under test; a `use(...)` of its binding keeps unused-variable rules quiet. */
  code: string
}

/** `import { x } from '<from>'` plus a use of x. */
const valueImport = (from: string, name = 'x'): string =>
  `import { ${name} } from '${from}'\nexport const used = ${name}\n`
/** `import type { T } from '<from>'` plus a use of T. */
const typeImport = (from: string): string =>
  `import type { T } from '${from}'\nexport type Used = T\n`

const NODE_BUILTINS = ['node:fs', 'fs', 'node:child_process', 'path']

const rejected: Record<string, { rule: string; cases: Case[] }> = {
  'src/shared importing main, gateway, preload or renderer': {
    rule: IMPORTS,
    cases: [
      { file: 'src/shared/probe.ts', code: valueImport('@main/core/session') },
      { file: 'src/shared/probe.ts', code: valueImport('@gateway') },
      { file: 'src/shared/probe.ts', code: valueImport('@gateway/engine') },
      { file: 'src/shared/probe.ts', code: valueImport('@preload/index') },
      { file: 'src/shared/probe.ts', code: valueImport('@renderer/app') },
      { file: 'src/shared/probe.ts', code: valueImport('../main/core/session') },
      { file: 'src/shared/protocol/probe.ts', code: typeImport('@main/core/session') }
    ]
  },
  'src/shared importing Node built-ins or Node-only packages': {
    rule: IMPORTS,
    cases: [
      ...NODE_BUILTINS.map((from) => ({ file: 'src/shared/probe.ts', code: valueImport(from) })),
      { file: 'src/shared/bridge/probe.ts', code: valueImport('ws') },
      { file: 'src/shared/probe.ts', code: valueImport('electron') }
    ]
  },
  'the preload importing Node built-ins': {
    rule: IMPORTS,
    cases: NODE_BUILTINS.map((from) => ({ file: 'src/preload/index.ts', code: valueImport(from) }))
  },
  'the preload importing zod at run time': {
    rule: IMPORTS,
    cases: [{ file: 'src/preload/index.ts', code: valueImport('zod', 'z') }]
  },
  'the preload loading any @shared module but bridge/channels at run time': {
    rule: IMPORTS,
    cases: [
      { file: 'src/preload/index.ts', code: valueImport('@shared/bridge/contract') },
      { file: 'src/preload/index.ts', code: valueImport('@shared/bridge') },
      { file: 'src/preload/index.ts', code: valueImport('@shared/protocol') },
      { file: 'src/preload/index.ts', code: valueImport('@shared/redact') }
    ]
  },
  'src/main importing the gateway anywhere but core/local-server.ts': {
    rule: IMPORTS,
    cases: [
      { file: 'src/main/core/session.ts', code: valueImport('@gateway') },
      { file: 'src/main/core/probe.ts', code: valueImport('@gateway/engine') },
      { file: 'src/main/cli/gateway.ts', code: valueImport('@gateway') },
      { file: 'src/main/electron/monitor.ts', code: valueImport('@gateway') },
      { file: 'src/main/index.ts', code: valueImport('@gateway') }
    ]
  },
  'the renderer importing Node built-ins': {
    rule: IMPORTS,
    cases: [
      ...NODE_BUILTINS.map((from) => ({
        file: 'src/renderer/src/probe.tsx',
        code: valueImport(from)
      })),
      { file: 'src/renderer/src/components/probe.tsx', code: valueImport('electron') }
    ]
  },
  '../../ imports': {
    rule: IMPORTS,
    cases: [
      { file: 'src/main/core/probe.ts', code: valueImport('../../shared/redact') },
      { file: 'src/gateway/routes/probe.ts', code: valueImport('../../shared/protocol') },
      {
        file: 'src/renderer/src/components/probe.tsx',
        code: valueImport('../../../shared/alerts')
      },
      { file: 'test/core/probe.test.ts', code: valueImport('../../src/shared/redact') }
    ]
  },
  'file names that are not kebab-case': {
    rule: FILE_NAMES,
    cases: [
      { file: 'src/main/core/tokenVault.ts', code: 'export const x = 1\n' },
      { file: 'src/renderer/src/components/StatusBar.tsx', code: 'export const x = 1\n' },
      { file: 'src/gateway/rest_routes.ts', code: 'export const x = 1\n' },
      { file: 'test/core/Session.test.ts', code: 'export const x = 1\n' }
    ]
  }
}

const allowed: Record<string, Case> = {
  'src/shared importing zod': { file: 'src/shared/probe.ts', code: valueImport('zod', 'z') },
  'src/shared importing src/shared by a one-level relative path': {
    file: 'src/shared/bridge/probe.ts',
    code: valueImport('../connection-state')
  },
  'the preload importing electron': { file: 'src/preload/index.ts', code: valueImport('electron') },
  'the preload importing @shared/bridge/channels at run time': {
    file: 'src/preload/index.ts',
    code: valueImport('@shared/bridge/channels')
  },
  'the preload importing types from the contract': {
    file: 'src/preload/index.ts',
    code: typeImport('@shared/bridge/contract')
  },
  'the preload importing types from zod': { file: 'src/preload/index.ts', code: typeImport('zod') },
  'core/local-server.ts importing the gateway': {
    file: 'src/main/core/local-server.ts',
    code: valueImport('@gateway')
  },
  'src/main importing @shared and Node built-ins': {
    file: 'src/main/core/probe.ts',
    code: `${valueImport('@shared/redact')}import { readFileSync } from 'node:fs'\nexport const read = readFileSync\n`
  },
  'the renderer importing react and @shared': {
    file: 'src/renderer/src/probe.tsx',
    code: `${valueImport('react', 'useState')}import type { T } from '@shared/bridge'\nexport type Used = T\n`
  },
  'a kebab-case file name': {
    file: 'src/main/core/token-vault-probe.ts',
    code: 'export const x = 1\n'
  }
}

let eslint: ESLint
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT })
})

/** The errors of the given rule for `code` at `file`. */
async function errorsOf(rule: string, { file, code }: Case): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) })
  const fatal = result!.messages.filter((m) => m.fatal)
  expect(fatal, `${file}: the probe itself does not parse`).toEqual([])
  return result!.messages.filter((m) => m.ruleId === rule && m.severity === 2).map((m) => m.message)
}

describe('eslint.config.mjs rejects', () => {
  for (const [what, { rule, cases }] of Object.entries(rejected)) {
    it(what, async () => {
      for (const probe of cases) {
        const errors = await errorsOf(rule, probe)
        expect(errors.length, `${probe.file}: ${probe.code.split('\n')[0]}`).toBeGreaterThan(0)
      }
    })
  }
})

describe('eslint.config.mjs allows', () => {
  for (const [what, probe] of Object.entries(allowed)) {
    it(what, async () => {
      expect(await errorsOf(IMPORTS, probe)).toEqual([])
      expect(await errorsOf(FILE_NAMES, probe)).toEqual([])
    })
  }
})
