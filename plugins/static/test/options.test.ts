/**
 * @module plugins/static/test/options — every configuration mistake is refused at register() with a
 * StaticConfigError (STATIC_CONFIG_INVALID) whose message says what to write; valid forms are accepted.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type StaticOptions, serveStatic } from '@vectora/static'
import { createTestApp } from 'vectora/testing'
import { configError, fixture } from './support.js'

function register(options: unknown): void {
  createTestApp().register(serveStatic, options as StaticOptions)
}

describe('@vectora/static: options', () => {
  const refused: Array<[what: string, options: Record<string, unknown> | unknown, pattern: RegExp]> = [
    ['no options', undefined, /options are an object with at least a root folder/],
    ['no root', {}, /root is required/],
    ['a relative root', { root: 'public' }, /root must be absolute, got "public".*new URL\('\.\/public\/', import\.meta\.url\)/],
    ['a root that does not exist', { root: join(fixture.dir, 'missing') }, /cannot be read \(ENOENT\): create the folder/],
    ['a root that is a file', { root: fixture.secretFile }, /is a file, not a folder/],
    ['an http: URL root', { root: new URL('https://example.com/') }, /absolute path or a file: URL, got the URL/],
    ['a root with NUL', { root: '/srv/\0' }, /root is required/],
    ['an unknown option with a near name', { root: fixture.root, maxage: 1 }, /unknown option "maxage"\. Did you mean maxAge\?/],
    ['a @fastify/static name', { root: fixture.root, acceptRanges: false }, /unknown option "acceptRanges"\. Use ranges\./],
    ['serve-static fallthrough', { root: fixture.root, fallthrough: true }, /Use nothing: a missing file is a 404/],
    ['a prefix without a slash', { root: fixture.root, prefix: 'assets' }, /prefix is a URL path/],
    ['a prefix with a param', { root: fixture.root, prefix: '/:tenant' }, /no ":" params/],
    ['a prefix with a wildcard', { root: fixture.root, prefix: '/a/*' }, /prefix is a URL path/],
    ['a prefix with an empty segment', { root: fixture.root, prefix: '/a//b' }, /empty segments/],
    ['an index with a slash', { root: fixture.root, index: ['a/index.html'] }, /index is a file name/],
    ['an index of ..', { root: fixture.root, index: '..' }, /index is a file name/],
    ['index: true', { root: fixture.root, index: true }, /or false, got boolean true/],
    ['an unknown dotfiles policy', { root: fixture.root, dotfiles: 'hide' }, /dotfiles is 'ignore' \(404\), 'deny' \(403\) or 'allow', got "hide"/],
    ['extensions with dots', { root: fixture.root, extensions: ['.html'] }, /without their leading dot.*Drop the leading dots/],
    ['extensions as a string', { root: fixture.root, extensions: 'html' }, /extensions is a list/],
    ['a negative maxAge', { root: fixture.root, maxAge: -1 }, /maxAge is a whole number of seconds/],
    ['a fractional maxAge', { root: fixture.root, maxAge: 1.5 }, /maxAge is a whole number of seconds/],
    ['maxAge as a string', { root: fixture.root, maxAge: '1d' }, /maxAge is a whole number of seconds \(0 or more\), got "1d"/],
    ['immutable without maxAge', { root: fixture.root, immutable: true }, /immutable needs maxAge > 0/],
    ['a cacheControl string with maxAge', { root: fixture.root, cacheControl: 'no-cache', maxAge: 60 }, /replaces maxAge and immutable/],
    ['a cacheControl with a newline', { root: fixture.root, cacheControl: 'no-cache\r\nx: 1' }, /Cache-Control header value/],
    ['an empty cacheControl', { root: fixture.root, cacheControl: ' ' }, /Cache-Control header value/],
    ['cacheControl: 60', { root: fixture.root, cacheControl: 60 }, /cacheControl is a Cache-Control value or a function/],
    ['a non-boolean flag', { root: fixture.root, preCompressed: 'yes' }, /preCompressed is true or false, got "yes"/],
    ['a non-boolean redirect', { root: fixture.root, redirect: 1 }, /redirect is true or false/],
  ]
  for (const [what, options, pattern] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => register(options), configError(pattern))
    })
  }

  it('accepts a file: URL root, a prefix with a trailing slash, and every option at once', async () => {
    const app = createTestApp()
    app.register(serveStatic, {
      root: pathToFileURL(`${fixture.root}/`),
      prefix: '/assets/',
      index: 'index.html',
      dotfiles: 'deny',
      extensions: ['html'],
      maxAge: 60,
      immutable: true,
      cacheControl: (path) => (path.endsWith('.html') ? 'no-cache' : undefined),
      preCompressed: false,
      redirect: false,
      etag: true,
      lastModified: true,
      ranges: true,
      allowSymlinksOutsideRoot: false,
    })
    const res = await app.inject({ url: '/assets/about' })
    assert.equal(res.status, 200)
    assert.equal(res.headers['cache-control'], 'no-cache')
  })

  it('refuses a second registration whose routes clash, naming the duplicate', () => {
    const app = createTestApp()
    app.register(serveStatic, { root: fixture.root, prefix: '/a' })
    assert.throws(
      () => app.register(serveStatic, { root: `${fixture.root}/docs`, prefix: '/a' }),
      (error: any) => {
        const text = `${error?.message} ${error?.cause?.message}`
        assert.match(text, /VEC_ERR_ROUTE_DUPLICATE|duplicates/)
        return true
      },
    )
  })

  it('deduplicates the very same registration', async () => {
    const app = createTestApp()
    const options = { root: fixture.root, prefix: '/a' }
    app.register(serveStatic, options)
    app.register(serveStatic, { ...options })
    assert.equal((await app.inject({ url: '/a/hello.txt' })).status, 200)
  })
})
