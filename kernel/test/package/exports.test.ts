/**
 * @module kernel/test/package/exports — the public surface of `vectora` is exactly the snapshot in
 * fixtures/exports.json: the runtime names, and every type name still importable. A file move inside
 * kernel/ts must not add, drop or rename an export (of `vectora` or `vectora/testing`); changing the surface
 * means changing the snapshot.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const snapshot = JSON.parse(readFileSync(new URL('./fixtures/exports.json', import.meta.url), 'utf8')) as {
  values: string[]
  types: string[]
  testing: string[]
}

describe('vectora exports', () => {
  it('exports exactly the snapshot of runtime names', async () => {
    const entry = await import('vectora')
    assert.deepEqual(Object.keys(entry).sort(), snapshot.values)
  })

  it('exports exactly the snapshot of runtime names from vectora/testing', async () => {
    const kit = await import('vectora/testing')
    assert.deepEqual(Object.keys(kit).sort(), snapshot.testing)
  })

  it('exports every type name of the snapshot (tsc --noEmit on an import of each)', function () {
    this.timeout(60_000)
    const dir = mkdtempSync(join(root, 'kernel/test/.exports-'))
    try {
      writeFileSync(join(dir, 'check.ts'), `export type { ${snapshot.types.join(', ')} } from 'vectora'\n`)
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../../tsconfig.base.json',
          compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false },
          include: ['check.ts'],
        }),
      )
      const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(dir, 'tsconfig.json')], { cwd: root, encoding: 'utf8' })
      assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
