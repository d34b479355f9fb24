/**
 * @module plugins/jwt/test/types — @vectora/jwt's public types compile as types-check.ts asserts
 * (requireAuth narrows `req.auth`), with `tsc --noEmit`.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('@vectora/jwt: public types', () => {
  it('types req.auth as set behind requireAuth, optional elsewhere (tsc --noEmit on test/types-check.ts)', function () {
    this.timeout(60_000)
    // TS 7 has no JS API; its CLI does.
    const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'plugins/jwt/test/tsconfig.types.json'], {
      cwd: root,
      encoding: 'utf8',
    })
    assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`)
  })
})
