/**
 * @module test/errors-doc — the VEC_ERR_* catalogue and docs/errors.md stay in step (fastify checks every
 * FST_ERR_* is documented). The Rust kernel's side is checked by `cargo test`: kernel/src/error.rs holds its
 * one list of codes and reads the catalogue to check each code and status there.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { errorCatalogue } from 'vectora'

const root = new URL('../', import.meta.url)

async function renderErrorsDoc(): Promise<string> {
  // Imported lazily: a missing generator fails these tests, not the loading of the whole suite.
  const mod = (await import('../kernel/ts/internal/errors-doc.js')) as { renderErrorsDoc: () => string }
  return mod.renderErrorsDoc()
}

describe('error catalogue', () => {
  it('docs/errors.md is exactly what renderErrorsDoc() generates from the catalogue', async () => {
    const onDisk = await readFile(new URL('docs/errors.md', root), 'utf8')
    assert.equal(onDisk, await renderErrorsDoc(), 'docs/errors.md is stale: regenerate it from renderErrorsDoc()')
  })

  it('docs/errors.md documents every code of errorCatalogue', async () => {
    const doc = await readFile(new URL('docs/errors.md', root), 'utf8')
    const missing = Object.keys(errorCatalogue).filter((code) => !doc.includes(code))
    assert.deepEqual(missing, [])
  })
})
