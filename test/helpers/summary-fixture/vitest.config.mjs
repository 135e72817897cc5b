// A tiny project for test/helpers/test-summary.test.ts: run through scripts/vitest-run.js, it
// shows what the summary line makes of passes, a throwing beforeAll and skips with and without
// a reason. Its files end in .fixture.ts so the real suite never picks them up.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export default {
  root: dirname(fileURLToPath(import.meta.url)),
  test: { include: ['*.fixture.ts'], pool: 'forks' }
}
