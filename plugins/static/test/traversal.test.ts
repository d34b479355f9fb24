/**
 * @module plugins/static/test/traversal — no request path reaches a file outside the root, through both transports
 * (node:http sends the path exactly as written: no client-side `..` folding) and through curl `--path-as-is`:
 * plain, encoded and double-encoded `..`, encoded slashes, backslashes, NUL, absolute paths, symlinks out of the root.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { assertProblem, forEachTransport, listen } from 'vectora/testing'
import { CURL, curl, fixture, SECRET, staticApp } from './support.js'

/** Paths that climb out of the root or name something outside it, each answered 404 (the same 404 as a missing file). */
const OUTSIDE_ROOT = [
  '/../secret',
  '/../../../../../../etc/passwd',
  '/%2e%2e/secret',
  '/%2E%2E/secret',
  '/.%2e/secret',
  '/%2e./secret',
  '/a/%2e%2e/%2e%2e/secret',
  '/a/%2e%2e%2f..%2fsecret',
  '/..%2fsecret',
  '/a/..%2f..%2fsecret',
  '/..%5csecret',
  '/a/..%5c..%5csecret',
  '/%5c..%5csecret',
  '/%5csecret',
  '//etc/passwd',
  '///etc/passwd',
  '/%2fetc%2fpasswd',
  '/%2f%2e%2e%2fsecret',
  '/link-out.txt',
  '/relative-out.txt',
  '/linkdir-out/secret.txt',
  '/linkdir-out/',
  // Not outside, but not canonical either: only canonical paths name a file.
  '/a/../hello.txt',
  '/./hello.txt',
  '/a/./inner.txt',
  '/a//inner.txt',
  '//',
]

describe('@vectora/static: traversal', () => {
  forEachTransport((t) => {
    for (const url of OUTSIDE_ROOT) {
      it(`answers ${url} with 404 and nothing from outside the root`, async () => {
        const app = staticApp()
        const res = await t.request(app, { url })
        const body = assertProblem(res, { status: 404, code: 'VEC_ERR_NOT_FOUND' })
        assert.equal(body.detail, 'No such file.')
        assert.ok(!res.text().includes(SECRET))
        assert.deepEqual(app.logger.errors(), [])
      })
    }

    it('answers the same under a prefix', async () => {
      const app = staticApp({ prefix: '/static' })
      for (const url of [
        '/static/../secret',
        '/static/%2e%2e/secret',
        '/static/..%2fsecret',
        '/static//etc/passwd',
        '/static/%2fetc%2fpasswd',
        '/static/..%5csecret',
      ]) {
        const res = await t.request(app, { url })
        assert.equal(res.status, 404, url)
        assert.ok(!res.text().includes(SECRET), url)
      }
    })

    it('keeps a double-encoded %252e%252e literal: decoded once, it names the folder called "%2e%2e"', async () => {
      const res = await t.request(staticApp(), { url: '/%252e%252e/secret' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'literal %2e%2e folder')
      assert.ok(existsSync(`${fixture.root}/%2e%2e/secret`))
    })

    it('answers a NUL byte (%00) with 400 STATIC_PATH_INVALID', async () => {
      const app = staticApp()
      for (const url of ['/hello.txt%00.html', '/%00', '/a/%00/../../secret']) {
        const res = await t.request(app, { url })
        assertProblem(res, { status: 400, code: 'STATIC_PATH_INVALID' })
      }
      assert.deepEqual(app.logger.errors(), [])
    })

    it('answers a malformed escape with the core 400 VEC_ERR_BAD_PATH_PARAM', async () => {
      const res = await t.request(staticApp(), { url: '/%zz/secret' })
      assertProblem(res, { status: 400, code: 'VEC_ERR_BAD_PATH_PARAM' })
    })

    it('serves a symlink out of the root only with allowSymlinksOutsideRoot', async () => {
      const res = await t.request(staticApp({ allowSymlinksOutsideRoot: true }), { url: '/link-out.txt' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), SECRET)
      assert.equal((await t.request(staticApp({ allowSymlinksOutsideRoot: true }), { url: '/../secret' })).status, 404, 'still no ..')
    })

    it("refuses .. with dotfiles: 'allow' too: it is refused before the dotfiles policy", async () => {
      const app = staticApp({ dotfiles: 'allow' })
      for (const url of ['/../secret', '/%2e%2e/secret', '/a/../hello.txt', '/a/%2e%2e/hello.txt', '/./hello.txt', '/..%5chello.txt']) {
        const res = await t.request(app, { url })
        assert.equal(res.status, 404, url)
        assert.ok(!res.text().includes(SECRET), url)
      }
    })
  })

  describe('through curl --path-as-is', () => {
    before(function () {
      if (!existsSync(CURL)) this.skip()
    })

    it('gets a 404 for ../, encoded ../ and a symlink out, and the file itself for a plain path', async () => {
      const port = await listen(staticApp())
      for (const path of ['/../secret', '/%2e%2e/secret', '/a/%2e%2e%2f..%2fsecret', '/..%5csecret', '//etc/passwd', '/link-out.txt']) {
        const res = await curl(`http://127.0.0.1:${port}${path}`, ['--path-as-is'])
        assert.equal(res.status, 404, path)
        assert.ok(!res.body.toString().includes(SECRET), path)
      }
      const nul = await curl(`http://127.0.0.1:${port}/hello.txt%00`, ['--path-as-is'])
      assert.equal(nul.status, 400)
      const ok = await curl(`http://127.0.0.1:${port}/hello.txt`)
      assert.equal(ok.status, 200)
      assert.equal(ok.body.toString(), 'hello world\n')
    })
  })
})
