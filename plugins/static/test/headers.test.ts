/**
 * @module plugins/static/test/headers — Cache-Control (maxAge, immutable, a string, a function of the path) and the
 * dotfiles policy, through both transports.
 */
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assertProblem, forEachTransport } from 'vectora/testing'
import { fixture, staticApp } from './support.js'

describe('@vectora/static: cache headers', () => {
  forEachTransport((t) => {
    it('sends max-age from maxAge, and immutable with it', async () => {
      const plain = await t.request(staticApp({ maxAge: 600 }), { url: '/hello.txt' })
      assert.equal(plain.headers['cache-control'], 'public, max-age=600')
      const fingerprinted = await t.request(staticApp({ maxAge: 31536000, immutable: true }), { url: '/hello.txt' })
      assert.equal(fingerprinted.headers['cache-control'], 'public, max-age=31536000, immutable')
    })

    it('sends a cacheControl string as it is, on 200, 206 and 304 alike', async () => {
      const app = staticApp({ cacheControl: 'no-cache' })
      const full = await t.request(app, { url: '/hello.txt' })
      assert.equal(full.headers['cache-control'], 'no-cache')
      const part = await t.request(app, { url: '/hello.txt', headers: { range: 'bytes=0-1' } })
      assert.equal(part.status, 206)
      assert.equal(part.headers['cache-control'], 'no-cache')
      const revalidated = await t.request(app, { url: '/hello.txt', headers: { 'if-none-match': full.headers.etag! } })
      assert.equal(revalidated.status, 304)
      assert.equal(revalidated.headers['cache-control'], 'no-cache')
    })

    it('asks a cacheControl function with the path of the file served, falling back to maxAge on undefined', async () => {
      const seen: string[] = []
      const app = staticApp({
        maxAge: 60,
        cacheControl: (path) => {
          seen.push(path)
          return path.endsWith('.html') ? 'no-cache' : undefined
        },
      })
      assert.equal((await t.request(app, { url: '/docs/' })).headers['cache-control'], 'no-cache')
      assert.equal((await t.request(app, { url: '/hello.txt' })).headers['cache-control'], 'public, max-age=60')
      assert.equal((await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'br' } })).headers['cache-control'], 'public, max-age=60')
      assert.equal((await t.request(app, { url: '/' })).headers['cache-control'], 'no-cache')
      assert.deepEqual(seen, ['docs/index.html', 'hello.txt', 'app.js', 'index.html'])
    })

    it('answers 500, logging why, when the cacheControl function returns something that is no header value', async () => {
      const app = staticApp({ cacheControl: () => 'bad\nvalue' })
      const res = await t.request(app, { url: '/hello.txt' })
      const body = assertProblem(res, { status: 500 })
      assert.doesNotMatch(body.detail, /bad/, 'the internal message is not sent in production')
      const [line] = app.logger.errors() as any[]
      assert.match(String(line?.fields?.err?.message), /^@vectora\/static: cacheControl\("hello.txt"\) returned "bad\\nvalue"/)
    })
  })
})

describe('@vectora/static: dotfiles', () => {
  forEachTransport((t) => {
    it("answers 404 for a dotted segment by default ('ignore'), as if it did not exist", async () => {
      const app = staticApp()
      for (const url of ['/.env', '/.well-known/security.txt', '/sub/.hidden/x.txt', '/%2eenv']) {
        const body = assertProblem(await t.request(app, { url }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
        assert.equal(body.detail, 'No such file.', url)
      }
    })

    it("answers 403 STATIC_DOTFILE_DENIED with 'deny', also for a dotted path that does not exist", async () => {
      const app = staticApp({ dotfiles: 'deny' })
      for (const url of ['/.env', '/sub/.hidden/x.txt', '/.git/config']) {
        assertProblem(await t.request(app, { url }), { status: 403, code: 'STATIC_DOTFILE_DENIED' })
      }
      assert.equal((await t.request(app, { url: '/hello.txt' })).status, 200)
    })

    it("serves dotfiles with 'allow'", async () => {
      const app = staticApp({ dotfiles: 'allow' })
      assert.equal((await t.request(app, { url: '/.well-known/security.txt' })).text(), 'Contact: mailto:security@example.com')
      assert.equal((await t.request(app, { url: '/.env' })).text(), 'DOTENV=1')
      assert.equal((await t.request(app, { url: '/sub/.hidden/x.txt' })).text(), 'hidden')
    })

    it('does not count a dot inside a name (v1.2/file.txt), nor a root that lives in a dot folder', async () => {
      const root = join(fixture.dir, '.hidden-site', 'public')
      mkdirSync(join(root, 'v1.2'), { recursive: true })
      writeFileSync(join(root, 'v1.2', 'file.txt'), 'in a dot folder')
      const res = await t.request(staticApp({}, root), { url: '/v1.2/file.txt' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'in a dot folder')
    })
  })
})
