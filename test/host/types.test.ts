/**
 * @module test/host/types — the public types of the plugin host (handlers typed from contracts, request
 * decorations, hooks, plugin options) compile as test/host/types-check.ts asserts, with `tsc --noEmit`.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('host: public types', () => {
  it('types handlers from contracts, req.auth from RequestDecorations, hooks and plugin options (tsc --noEmit on test/host/types-check.ts)', function () {
    this.timeout(60_000)
    // TS 7 has no JS API; its CLI does.
    const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'test/host/tsconfig.types.json'], {
      cwd: root,
      encoding: 'utf8',
    })
    assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`)
  })
})
