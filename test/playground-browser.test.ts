/**
 * @module test/playground-browser — the playground's page in a real browser: Debian's chromium (playwright-core)
 * opens the page on 127.0.0.1 and talks to the API on localhost, another origin, so every call goes through CORS
 * (preflights included). It signs up, logs in, creates a note and sees it listed, fails to edit someone else's
 * note, and the docs page lists the operations — with no Content-Security-Policy violation anywhere. Skipped,
 * saying why, when chromium is missing; under CI=true a missing browser fails the run.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { Writable } from 'node:stream'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type { App } from 'vectora'
import { httpRequest } from 'vectora/testing'
import { buildApp } from '../playground/src/app.js'
import { defaultConfig } from '../playground/src/config.js'

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

// Installed before any script of the page runs; plain JavaScript (a string, so no transpiler helper leaks in).
const RECORD_VIOLATIONS = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber })
})`

// Under CI the suite always runs, so a missing browser fails the run instead of skipping it silently.
const MUST_RUN = HAS_CHROMIUM || process.env.CI === 'true'
const suite = MUST_RUN ? describe : describe.skip
const title = MUST_RUN
  ? 'playground: the page in a real browser (chromium)'
  : `playground: the page in a real browser — SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`

suite(title, function () {
  this.timeout(60_000)
  let browser: Browser
  let app: App
  let port: number
  const access: { method: string; path: string; status: number }[] = []
  const contexts: BrowserContext[] = []

  before(async () => {
    assert.ok(HAS_CHROMIUM, `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`)
    // The access log says what reached the server (preflights included, which the browser does not report).
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) {
          if (line === '') continue
          const entry = JSON.parse(line)
          if (typeof entry['http.request.method'] === 'string') {
            access.push({ method: entry['http.request.method'], path: entry['url.path'], status: entry['http.response.status_code'] })
          }
        }
        done()
      },
    })
    app = buildApp({ ...defaultConfig(), database: ':memory:' }, { app: { handleSignals: false, handleUncaught: false }, logDestination })
    ;({ port } = await app.listen({ host: '127.0.0.1', port: 0 }))
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  })

  after(async () => {
    await browser?.close()
    await app?.close({ deadline: 100 })
  })

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close()
  })

  /** A fresh browser profile (its own sessionStorage) on the page; the API is `apiHost`. */
  async function openPage(apiHost: 'localhost' | '127.0.0.1' = 'localhost', path = '/'): Promise<Page> {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    await page.addInitScript(RECORD_VIOLATIONS)
    const api = apiHost === '127.0.0.1' ? '' : `?api=${encodeURIComponent(`http://localhost:${port}`)}`
    await page.goto(`http://127.0.0.1:${port}${path}${api}`)
    return page
  }

  const violations = (page: Page): Promise<unknown[]> => page.evaluate('window.__violations') as Promise<unknown[]>

  async function fillCredentials(page: Page, username: string, password: string): Promise<void> {
    await page.locator('#auth-form input[name=username]').fill(username)
    await page.locator('#auth-form input[name=password]').fill(password)
  }

  async function signUpAndLogIn(page: Page, username: string): Promise<void> {
    await fillCredentials(page, username, `${username}-password`)
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.locator('#message', { hasText: `Account ${username} created` }).waitFor()
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.locator('#session', { hasText: `Signed in as ${username} (user).` }).waitFor()
  }

  it('signs up, logs in, creates a note and sees it listed, through CORS', async () => {
    const page = await openPage('localhost')
    assert.equal(await page.locator('#api-origin').textContent(), `http://localhost:${port}`)
    await signUpAndLogIn(page, 'ada')
    await page.locator('#note-form input[name=title]').fill('Groceries')
    await page.locator('#note-form textarea[name=body]').fill('milk, eggs')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.locator('#message', { hasText: /^Added note #\d+\.$/ }).waitFor()
    const items = page.locator('#notes li')
    assert.equal(await items.count(), 1)
    assert.match((await items.first().textContent()) ?? '', /#\d+ Groceries\s*milk, eggs/)
    // The page is on 127.0.0.1 and the API on localhost: the JSON POSTs with a bearer token were preflighted.
    assert.ok(
      access.some((line) => line.method === 'OPTIONS' && line.path === '/notes' && line.status === 204),
      JSON.stringify(access),
    )
    assert.deepEqual(await violations(page), [])
  })

  it("fails to edit someone else's note, and shows the API's 403", async () => {
    // Bob writes a note through the API, as another client would.
    const credentials = { username: 'bob', password: 'bob-password' }
    assert.equal((await httpRequest(port, { method: 'POST', url: '/auth/signup', body: credentials })).status, 201)
    const { token } = (await httpRequest(port, { method: 'POST', url: '/auth/login', body: credentials })).json()
    const bob = { authorization: `Bearer ${token}` }
    const note = (await httpRequest(port, { method: 'POST', url: '/notes', headers: bob, body: { title: "Bob's", body: 'private' } })).json()

    const page = await openPage('localhost')
    await signUpAndLogIn(page, 'eve')
    await page.locator('#edit-form input[name=id]').fill(String(note.id))
    await page.locator('#edit-form input[name=title]').fill('hijacked')
    await page.getByRole('button', { name: 'Save note' }).click()
    const message = page.locator('#message.error')
    await message.waitFor()
    assert.match((await message.textContent()) ?? '', /^403 Forbidden: .*\(VEC_ERR_FORBIDDEN\)$/)
    assert.equal(await page.locator('#notes li').count(), 0)
    const unchanged = (await httpRequest(port, { url: `/notes/${note.id}`, headers: bob })).json()
    assert.equal(unchanged.title, "Bob's")
    assert.deepEqual(await violations(page), [])
  })

  it('works on its own origin too, and keeps the session over a reload', async () => {
    const page = await openPage('127.0.0.1')
    assert.equal(await page.locator('#api-origin').textContent(), `http://127.0.0.1:${port}`)
    await signUpAndLogIn(page, 'sam')
    await page.locator('#note-form input[name=title]').fill('same origin')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.locator('#notes li', { hasText: 'same origin' }).waitFor()
    await page.reload()
    await page.locator('#notes li', { hasText: 'same origin' }).waitFor()
    assert.equal(await page.locator('#session').textContent(), 'Signed in as sam (user).')
    await page.getByRole('button', { name: 'Log out' }).click()
    assert.equal(await page.locator('#session').textContent(), 'Not signed in.')
    assert.equal(await page.locator('#notes-section').isHidden(), true)
    assert.deepEqual(await violations(page), [])
  })

  it("lists the API's operations on /docs, under its own CSP with helmet's headers around it", async () => {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    await page.addInitScript(RECORD_VIOLATIONS)
    await page.goto(`http://127.0.0.1:${port}/docs`)
    await page.locator('.opblock-summary-path').first().waitFor({ timeout: 15_000 })
    const paths = (await page.locator('.opblock-summary-path').allTextContents()).map((p) => p.replace(/\u200b/g, ''))
    for (const path of ['/auth/signup', '/auth/login', '/notes', '/notes/{id}', '/admin/users']) assert.ok(paths.includes(path), `${path} in ${paths}`)
    assert.deepEqual(await violations(page), [])
  })
})
