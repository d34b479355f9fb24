/** @module kernel/test/contract-types — the type-level contract tests (contract.types.ts) compile with `tsc --noEmit`. */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('contract types', () => {
  it('infers handler types from route schemas (tsc --noEmit on kernel/test/contract.types.ts)', function () {
    this.timeout(60_000)
    // TS 7 has no JS API; its CLI does.
    const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'kernel/test/tsconfig.types.json'], {
      cwd: root,
      encoding: 'utf8',
    })
    assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`)
  })
})
