/**
 * @module kernel/test/package/load — load.cjs as an installed package meets it: no platform package, a broken one,
 * a working one, a bad VECTORA_KERNEL_PATH. Each case runs in a child process against a copy of load.cjs
 * in a throwaway node_modules, so this repository's own kernel/index.node is not in the way.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const kernelDir = fileURLToPath(new URL('../../', import.meta.url))
const neonLoad = fileURLToPath(new URL('../../../node_modules/@neon-rs/load', import.meta.url))
const PLATFORM_PKG = '@vectora/kernel-linux-x64-gnu'

interface Outcome {
  ok: boolean
  code?: string
  message?: string
  exports?: string[]
}

/** Requires `<dir>/node_modules/vectora/load.cjs` in a child and reports what happened. */
async function loadIn(dir: string, env: Record<string, string> = {}): Promise<Outcome> {
  const script = `
    try {
      const k = require(${JSON.stringify(join(dir, 'node_modules/vectora/load.cjs'))})
      console.log(JSON.stringify({ ok: true, exports: Object.keys(k).sort() }))
    } catch (e) {
      console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }))
    }`
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...process.env, VECTORA_KERNEL_PATH: '', ...env } })
  return JSON.parse(stdout) as Outcome
}

describe('kernel loader (load.cjs)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vectora-load-'))
    mkdirSync(join(dir, 'node_modules/vectora'), { recursive: true })
    mkdirSync(join(dir, 'node_modules/@neon-rs'), { recursive: true })
    copyFileSync(join(kernelDir, 'load.cjs'), join(dir, 'node_modules/vectora/load.cjs'))
    symlinkSync(neonLoad, join(dir, 'node_modules/@neon-rs/load'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  function platformPackage(files: Record<string, string | Buffer>): void {
    const pkgDir = join(dir, 'node_modules', PLATFORM_PKG)
    mkdirSync(pkgDir, { recursive: true })
    for (const [name, content] of Object.entries(files)) writeFileSync(join(pkgDir, name), content)
  }

  if (process.platform === 'linux' && process.arch === 'x64') {
    it('throws VEC_ERR_KERNEL_NOT_FOUND naming the missing platform package and how to install it', async () => {
      const out = await loadIn(dir)
      assert.equal(out.ok, false)
      assert.equal(out.code, 'VEC_ERR_KERNEL_NOT_FOUND')
      assert.match(out.message!, /^VEC_ERR_KERNEL_NOT_FOUND: the kernel binary package @vectora\/kernel-linux-x64-gnu is not installed/)
      assert.match(out.message!, /npm install @vectora\/kernel-linux-x64-gnu/)
      assert.doesNotMatch(out.message!, /build:native -w vectora/, 'no advice that only works inside the Vectora repository')
    })

    it('says an installed platform package does not load, with its reason', async () => {
      platformPackage({ 'package.json': JSON.stringify({ name: PLATFORM_PKG, main: 'index.js' }), 'index.js': 'throw new Error("wrong ELF class")' })
      const out = await loadIn(dir)
      assert.equal(out.code, 'VEC_ERR_KERNEL_NOT_FOUND')
      assert.match(out.message!, /@vectora\/kernel-linux-x64-gnu is installed but does not load \(wrong ELF class\)/)
    })

    it('loads the kernel from the platform package', async () => {
      platformPackage({ 'package.json': JSON.stringify({ name: PLATFORM_PKG, main: 'index.node' }) })
      copyFileSync(join(kernelDir, 'index.node'), join(dir, 'node_modules', PLATFORM_PKG, 'index.node'))
      const out = await loadIn(dir)
      assert.equal(out.ok, true, out.message)
      assert.ok(out.exports!.includes('serverNew'), `exports: ${out.exports}`)
    })
  }

  it('refuses a VECTORA_KERNEL_PATH that is not a kernel, naming it', async () => {
    const out = await loadIn(dir, { VECTORA_KERNEL_PATH: join(dir, 'nope.node') })
    assert.equal(out.code, 'VEC_ERR_KERNEL_NOT_FOUND')
    assert.match(out.message!, /VECTORA_KERNEL_PATH=.*nope\.node does not load as a Vectora kernel/)
  })

  it('loads the kernel from VECTORA_KERNEL_PATH', async () => {
    const out = await loadIn(dir, { VECTORA_KERNEL_PATH: join(kernelDir, 'index.node') })
    assert.equal(out.ok, true, out.message)
  })
})
