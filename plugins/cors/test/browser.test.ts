/**
 * @module plugins/cors/test/browser — CORS as a real browser enforces it: Debian's chromium (playwright-core)
 * loads a page from one origin and fetches from API apps on other ports of 127.0.0.1 (another port is
 * another origin; `localhost` is another host, so another origin again). What the page can read, what the
 * browser blocks, and which requests reach the server (preflights included) are checked end to end.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { HttpError, reply, type App } from 'vectora'
import { cors, type CorsOptions } from '@vectora/cors'
import { testApp } from './support.js'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const HAS_CHROMIUM = existsSync(CHROMIUM)

/** What the page reports of one fetch: the response it could read, or the error the browser raised. */
type Outcome = { ok: true; status: number; body: string; total: string | null } | { ok: false; error: string; message: string }

// Plain JavaScript run in the page (a string, so no transpiler helper leaks into the browser).
const FETCH_IN_PAGE = `async ({ url, init }) => {
  try {
    const res = await fetch(url, init)
    return { ok: true, status: res.status, body: await res.text(), total: res.headers.get('x-total') }
  } catch (error) {
    return { ok: false, error: error.name, message: error.message }
  }
}`

function browserFetch(page: Page, url: string, init: RequestInit = {}): Promise<Outcome> {
  return page.evaluate(`(${FETCH_IN_PAGE})(${JSON.stringify({ url, init })})`) as Promise<Outcome>
}

/** An API app with CORS, recording `METHOD path status` of every request that reached it. */
function apiApp(options: CorsOptions): { app: App; seen: string[] } {
  const app = testApp()
  const seen: string[] = []
  app.register(cors, options)
  app.addHook('onResponse', (req, info) => void seen.push(`${req.method} ${req.path} ${info.status}`))
  app.addHook('authenticate', (req) => {
    if (req.path.startsWith('/private') && req.header('authorization') !== 'Bearer good') {
      throw new HttpError(401, 'a bearer token is required', { code: 'AUTH_REQUIRED' })
    }
  })
  app.get('/items', () => reply.json({ items: [1, 2] }, { headers: { 'x-total': '2' } }))
  app.put('/items/:id', async (req) => ({ id: req.params.id, custom: req.header('x-custom') ?? null, body: await req.json() }))
  app.put('/private/:id', (req) => ({ id: req.params.id, user: 'good' }))
  app.get('/me', (req) => ({ cookie: req.header('cookie') ?? null }))
  return { app, seen }
}

// Under CI the suite always runs, so a missing browser fails the run instead of skipping it silently.
const MUST_RUN = HAS_CHROMIUM || process.env.CI === 'true'
const suite = MUST_RUN ? describe : describe.skip
const title = MUST_RUN
  ? '@vectora/cors: in a real browser (chromium)'
  : `@vectora/cors: in a real browser — SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`

suite(title, () => {
  let browser: Browser
  let pageServer: App
  let allowedPage: Page // http://127.0.0.1:<page port>: the origin the APIs allow
  let otherPage: Page // http://localhost:<page port>: same server, another origin
  let pageOrigin: string
  const apis: Record<'open' | 'credentialed' | 'public', { app: App; seen: string[]; url: string }> = {} as any

  before(async () => {
    assert.ok(HAS_CHROMIUM, `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`)
    pageServer = testApp()
    // The page sets a cookie for 127.0.0.1, which a credentialed fetch to the API (another port) sends along.
    pageServer.get('/', () =>
      reply.html('<!doctype html><title>page</title><p>cors test page</p>', {
        headers: { 'set-cookie': 'sid=s3cret; Path=/; SameSite=Lax' },
      }),
    )
    const { port: pagePort } = await pageServer.listen({ host: '127.0.0.1', port: 0 })
    pageOrigin = `http://127.0.0.1:${pagePort}`
    const configs = {
      open: { origin: [pageOrigin], allowedHeaders: ['content-type', 'x-custom', 'authorization'], exposedHeaders: ['x-total'] },
      credentialed: { origin: [pageOrigin], credentials: true },
      public: { origin: '*' },
    } satisfies Record<string, CorsOptions>
    for (const [name, options] of Object.entries(configs)) {
      const api = apiApp(options)
      const { port } = await api.app.listen({ host: '127.0.0.1', port: 0 })
      apis[name as keyof typeof apis] = { ...api, url: `http://127.0.0.1:${port}` }
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
    const context = await browser.newContext()
    allowedPage = await context.newPage()
    await allowedPage.goto(`${pageOrigin}/`)
    otherPage = await context.newPage()
    await otherPage.goto(`http://localhost:${pagePort}/`)
  })

  after(async () => {
    await browser?.close()
    await Promise.all([pageServer, ...Object.values(apis).map((a) => a.app)].filter(Boolean).map((app) => app.close({ deadline: 100 })))
  })

  beforeEach(() => {
    for (const api of Object.values(apis)) api.seen.length = 0
  })

  it('lets a page of an allowed origin read the status, the body and an exposed header of a cross-origin GET', async () => {
    const res = await browserFetch(allowedPage, `${apis.open.url}/items`)
    assert.deepEqual(res, { ok: true, status: 200, body: '{"items":[1,2]}', total: '2' })
  })

  it('blocks a page of a disallowed origin: fetch rejects with a TypeError although the server ran the request', async () => {
    const res = await browserFetch(otherPage, `${apis.open.url}/items`)
    assert.equal(res.ok, false)
    assert.equal(res.ok === false && res.error, 'TypeError')
    assert.deepEqual(apis.open.seen, ['GET /items 200'])
  })

  it('preflights a PUT with a custom header: the server answers the OPTIONS (no OPTIONS route), then the browser sends the PUT', async () => {
    const res = await browserFetch(allowedPage, `${apis.open.url}/items/7`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: JSON.stringify({ name: 'seven' }),
    })
    assert.deepEqual(res, { ok: true, status: 200, body: '{"id":"7","custom":"yes","body":{"name":"seven"}}', total: null })
    assert.deepEqual(apis.open.seen, ['OPTIONS /items/7 204', 'PUT /items/7 200'])
  })

  it('passes the preflight of a request carrying Authorization without authentication, then authenticates the request itself', async () => {
    const res = await browserFetch(allowedPage, `${apis.open.url}/private/1`, { method: 'PUT', headers: { authorization: 'Bearer good' } })
    assert.equal(res.ok && res.status, 200)
    assert.deepEqual(apis.open.seen, ['OPTIONS /private/1 204', 'PUT /private/1 200'])
    // A wrong token: the preflight still passes, and the page can read the 401 (it carries the CORS headers).
    const denied = await browserFetch(allowedPage, `${apis.open.url}/private/2`, { method: 'PUT', headers: { authorization: 'Bearer bad' } })
    assert.equal(denied.ok && denied.status, 401)
    assert.equal(denied.ok && JSON.parse(denied.body).code, 'AUTH_REQUIRED')
  })

  it('stops a non-simple request from a disallowed origin at the preflight: the PUT is never sent', async () => {
    const res = await browserFetch(otherPage, `${apis.open.url}/items/8`, { method: 'PUT', headers: { 'x-custom': 'yes' } })
    assert.equal(res.ok === false && res.error, 'TypeError')
    assert.deepEqual(apis.open.seen, ['OPTIONS /items/8 204'])
  })

  it('lets a credentialed fetch through when credentials: true is configured with the exact origin (the cookie is sent)', async () => {
    const res = await browserFetch(allowedPage, `${apis.credentialed.url}/me`, { credentials: 'include' })
    assert.equal(res.ok && res.status, 200)
    assert.deepEqual(res.ok && JSON.parse(res.body), { cookie: 'sid=s3cret' })
  })

  it('blocks a credentialed fetch when credentials are not configured, though the request reached the server', async () => {
    const res = await browserFetch(allowedPage, `${apis.open.url}/me`, { credentials: 'include' })
    assert.equal(res.ok === false && res.error, 'TypeError')
    assert.deepEqual(apis.open.seen, ['GET /me 200'])
  })

  it('lets any origin read a public API (origin "*"), but never with credentials: include', async () => {
    for (const page of [allowedPage, otherPage]) {
      const res = await browserFetch(page, `${apis.public.url}/items`)
      assert.equal(res.ok && res.status, 200)
    }
    const credentialed = await browserFetch(allowedPage, `${apis.public.url}/me`, { credentials: 'include' })
    assert.equal(credentialed.ok === false && credentialed.error, 'TypeError')
  })
})
