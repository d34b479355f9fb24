/**
 * @module plugins/openapi/test/browser — the docs page in a real browser: Debian's chromium (playwright-core) opens
 * /docs on a listening app, Swagger UI lists the operations, authorizes with the security scheme a plugin
 * contributed and runs "Try it out", while no Content-Security-Policy violation fires and every request the
 * page makes goes to the app on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { type } from 'arktype'
import { chromium, type Browser, type Page } from 'playwright-core'
import { type App, createApp } from 'vectora'
import { captureLogger } from 'vectora/testing'
import { openapi } from '@vectora/openapi'
import { apiKeys } from './support.js'

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
  window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample })
})`

/** Notes under /api, behind an API key plugin registered in that group (so the docs page itself is public). */
function notesApp(): App {
  const app = createApp({ handleSignals: false, development: false, logger: captureLogger() })
  app.register(openapi, { info: { title: 'Notes API', version: '1.0.0', description: 'Notes, with **markdown** and a [link](https://example.com).' } })
  const note = type({ id: 'number.integer', text: 'string', 'tags?': 'string[]' })
  app.group('/api', (api) => {
    api.register(apiKeys, { keys: ['k-123'] })
    api.get(
      '/notes/:id',
      { schema: { params: type({ id: 'string.integer.parse' }), response: note }, docs: { summary: 'Read one note', tags: ['notes'] } },
      (req) => ({ id: req.params.id, text: `note ${req.params.id}` }),
    )
    api.post(
      '/notes',
      {
        schema: { body: type({ text: 'string' }), response: note },
        docs: { summary: 'Write a note', tags: ['notes'], status: 201, examples: { body: { text: 'hi' } } },
      },
      (req) => ({ id: 1, text: req.body.text }),
    )
  })
  return app
}

// Under CI the suite always runs, so a missing browser fails the run instead of skipping it silently.
const MUST_RUN = HAS_CHROMIUM || process.env.CI === 'true'
const suite = MUST_RUN ? describe : describe.skip
const title = MUST_RUN
  ? '@vectora/openapi: the docs page in a real browser (chromium)'
  : `@vectora/openapi: the docs page in a real browser — SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`

suite(title, () => {
  let browser: Browser
  let app: App
  let page: Page
  let origin: string
  const requests: string[] = []

  before(async () => {
    assert.ok(HAS_CHROMIUM, `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`)
    app = notesApp()
    const { port } = await app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
    page = await browser.newPage()
    await page.addInitScript(RECORD_VIOLATIONS)
    page.on('request', (req) => void requests.push(req.url()))
    await page.goto(`${origin}/docs`)
    await page.locator('.opblock-summary-path').first().waitFor({ timeout: 15_000 })
  })

  after(async () => {
    await browser?.close()
    await app?.close({ deadline: 100 })
  })

  const violations = (): Promise<unknown[]> => page.evaluate('window.__violations') as Promise<unknown[]>

  it('lists the operations, their paths and summaries, from the document', async () => {
    // Each operation is listed under each of its tags: 'notes' (docs.tags) and 'authenticated' (the plugin's).
    const notes = page.locator('#operations-tag-notes').locator('xpath=..')
    const paths = await notes.locator('.opblock-summary-path').allTextContents()
    assert.deepEqual(paths.map((p) => p.replace(/\u200b/g, '')).sort(), ['/api/notes', '/api/notes/{id}'])
    const summaries = await notes.locator('.opblock-summary-description').allTextContents()
    assert.deepEqual(summaries.sort(), ['Read one note', 'Write a note'])
    assert.equal(await page.locator('#operations-tag-authenticated').count(), 1)
    assert.match((await page.locator('.info .title').textContent()) ?? '', /Notes API/)
  })

  it('authorizes with the contributed API key scheme and runs "Try it out" against the app', async () => {
    await page.locator('button.authorize').first().click()
    await page.locator('.auth-container input').first().fill('k-123')
    await page.locator('.auth-btn-wrapper button.authorize').click()
    await page.locator('button.btn-done').click()
    const operation = page.locator('#operations-notes-getApiNotesById')
    await operation.locator('.opblock-summary').click()
    await operation.locator('button.try-out__btn').click()
    await operation.locator('input[placeholder="id"]').fill('7')
    await operation.locator('button.execute').click()
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first()
    await status.waitFor({ timeout: 10_000 })
    assert.equal((await status.textContent())?.trim(), '200')
    assert.match((await operation.locator('.live-responses-table .microlight').first().textContent()) ?? '', /"text": "note 7"/)
  })

  it('shows the schemas section (JSON Schema 2020-12 view) and expands the Problem schema', async () => {
    const schemas = page.locator('section.models article.json-schema-2020-12[data-json-schema-level="0"]')
    await schemas.first().waitFor()
    const titles = await schemas.locator('> .json-schema-2020-12-head .json-schema-2020-12__title').allTextContents()
    assert.ok(titles.includes('Problem') && titles.includes('ValidationIssue'), titles.join(', '))
    const problem = schemas.filter({ hasText: 'Problem' }).first()
    await problem.locator('.json-schema-2020-12-expand-deep-button').first().click()
    await problem.getByText('requestId').first().waitFor()
  })

  it('fires no Content-Security-Policy violation, and the page requests nothing but the app', async () => {
    assert.deepEqual(await violations(), [])
    assert.ok(requests.length >= 5, `requests: ${requests.join(', ')}`)
    for (const url of requests) assert.ok(url.startsWith(`${origin}/`), `a request left the app: ${url}`)
    assert.ok(requests.includes(`${origin}/openapi.json`))
    assert.ok(requests.includes(`${origin}/api/notes/7`))
  })

  it('does enforce the policy: an inline style and a foreign image added now are reported (the listener works)', async () => {
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<div style="color: red">x</div><img src="https://example.invalid/a.png">')`)
    await page.waitForFunction('window.__violations.length >= 2')
    const directives = ((await violations()) as Array<{ directive: string }>).map((v) => v.directive)
    assert.ok(directives.includes('style-src-attr'), directives.join(', '))
    assert.ok(directives.includes('img-src'), directives.join(', '))
  })
})
