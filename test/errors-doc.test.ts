/**
 * @module test/errors-doc — the VEC_ERR_* catalogue, docs/errors.md and the Rust kernel stay in step
 * (fastify checks every FST_ERR_* is documented; this also checks the kernel emits no uncatalogued code).
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { errorCatalogue } from 'vectora'
import { rustStringLiterals } from './helpers/rust-literals.js'

const root = new URL('../', import.meta.url)
const CODE = /VEC_ERR_[A-Z0-9_]*[A-Z0-9]/g

/** Every VEC_ERR_* code written in a string literal of kernel/src/*.rs, with the files it appears in. */
async function kernelCodes(): Promise<Map<string, string[]>> {
  const dir = new URL('kernel/src/', root)
  const files = (await readdir(dir)).filter((name) => name.endsWith('.rs')).sort()
  assert.ok(files.length > 0, 'no Rust sources found in kernel/src')
  const codes = new Map<string, string[]>()
  for (const file of files) {
    const source = await readFile(new URL(file, dir), 'utf8')
    for (const literal of rustStringLiterals(source)) {
      for (const [code] of literal.matchAll(CODE)) codes.set(code, [...new Set([...(codes.get(code) ?? []), file])])
    }
  }
  return codes
}

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

  it('every VEC_ERR_* string literal in kernel/src/*.rs is a code of errorCatalogue', async () => {
    const codes = await kernelCodes()
    assert.ok(codes.size > 0, 'found no VEC_ERR_* literal in the kernel: the scan is broken')
    const unknown = [...codes].filter(([code]) => !Object.hasOwn(errorCatalogue, code)).map(([code, files]) => `${code} (${files.join(', ')})`)
    assert.deepEqual(unknown, [])
  })

  it('every code the catalogue says the kernel raises is written by the kernel', async () => {
    const codes = await kernelCodes()
    const kernelRaised = Object.entries(errorCatalogue)
      .filter(([, entry]) => entry.raisedBy === 'kernel')
      .map(([code]) => code)
    assert.ok(kernelRaised.length > 0)
    assert.deepEqual(
      kernelRaised.filter((code) => !codes.has(code)),
      [],
    )
  })
})

describe('rustStringLiterals', () => {
  it('reads plain, raw and escaped literals and skips comments and char literals', () => {
    const source = [
      '// mapped to `VEC_ERR_ROUTE_*` at the boundary',
      'let q = \'"\'; let a = "VEC_ERR_A"; let l: &\'static str = "x\\"y";',
      'let r = r#"{"code":"VEC_ERR_B"}"#; /* "VEC_ERR_C" */ let b = b"bytes";',
    ].join('\n')
    assert.deepEqual(rustStringLiterals(source), ['VEC_ERR_A', 'x\\"y', '{"code":"VEC_ERR_B"}', 'bytes'])
  })
})
