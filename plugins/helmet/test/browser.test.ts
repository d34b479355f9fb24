/**
 * @module plugins/helmet/test/browser — the 'page' preset as a real browser enforces it: Debian's chromium
 * (playwright-core) opens a page on a listening app whose inline <script> and inline event handler are blocked by
 * the Content-Security-Policy (securitypolicyviolation events are seen) while its same-origin script runs; and
 * another origin cannot frame it (frame-ancestors 'self'), while the same page without helmet's headers can; and
 * Cross-Origin-Resource-Policy stops another origin's <img>, not its CORS fetch.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { type App, createApp, Reply, reply } from 'vectora'
import { captureLogger } from 'vectora/testing'
import { helmet, withoutSecurityHeaders } from '@vectora/helmet'
import { PAGE_CSP } from './support.js'

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

// Installed before any script of the page runs (playwright's init scripts are not subject to the page's CSP);
// plain JavaScript (a string, so no transpiler helper leaks in).
const RECORD_VIOLATIONS = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, disposition: e.disposition })
})`

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>helmet page</title></head>
<body>
<p id="status">not run</p>
<button id="inline-handler" onclick="window.__handlerRan = true">click</button>
<script>window.__inlineRan = true; document.getElementById('status').textContent = 'inline ran'</script>
<script src="/app.js"></script>
</body>
</html>
`
const APP_JS = `window.__externalRan = true
document.getElementById('status').textContent = 'same-origin script ran'
`

// A 1x1 PNG, to embed with <img>.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')

const FRAMABLE = '<!doctype html><p id="status">not run</p><script src="/app.js"></script>'

function quietApp(): App {
  return createApp({ handleSignals: false, development: false, logger: captureLogger() })
}

/**
 * The page and its script, with helmet's 'page' preset app-wide; `/framer` frames the page from its own origin,
 * `/framable` is a page like it served without helmet's headers.
 */
function pageApp(): App {
  const app = quietApp()
  app.register(helmet, { preset: 'page' })
  app.get('/', () => reply.html(PAGE))
  app.get('/app.js', () => reply.text(APP_JS).header('content-type', 'text/javascript; charset=utf-8'))
  app.get('/framer', () => reply.html('<!doctype html><iframe src="/"></iframe>'))
  app.get('/framable', () => withoutSecurityHeaders(reply.html(FRAMABLE)))
  // CORS lets any origin read /data; Cross-Origin-Resource-Policy (same-origin) still applies to no-cors embeds.
  app.get('/data', () => reply.json({ ok: true }).header('access-control-allow-origin', '*'))
  app.get('/pixel.png', () => new Reply(200, PIXEL, { 'content-type': 'image/png' }))
  app.get('/pixel-shared.png', () => new Reply(200, PIXEL, { 'content-type': 'image/png', 'cross-origin-resource-policy': 'cross-origin' }))
  return app
}

/** Another origin (another port) without helmet: `/framer?src=` frames `src`, `/blank` is a page to run fetches from. */
function framerApp(): App {
  const app = quietApp()
  app.get('/blank', () => reply.html('<!doctype html><title>another origin</title>'))
  app.get('/framer', (req) => reply.html(`<!doctype html><iframe src="${String(req.query.src).replace(/[<>"&]/g, '')}"></iframe>`))
  return app
}

// Under CI the suite always runs, so a missing browser fails the run instead of skipping it silently.
const MUST_RUN = HAS_CHROMIUM || process.env.CI === 'true'
const suite = MUST_RUN ? describe : describe.skip
const title = MUST_RUN
  ? "@vectora/helmet: the 'page' preset in a real browser (chromium)"
  : `@vectora/helmet: the 'page' preset in a real browser — SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`

suite(title, () => {
  let browser: Browser
  let app: App
  let framer: App
  let framerOrigin: string
  let page: Page
  let port: number
  let policy: string | null

  before(async () => {
    assert.ok(HAS_CHROMIUM, `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`)
    app = pageApp()
    port = (await app.listen({ host: '127.0.0.1', port: 0 })).port
    framer = framerApp()
    framerOrigin = `http://127.0.0.1:${(await framer.listen({ host: '127.0.0.1', port: 0 })).port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
    page = await browser.newPage()
    await page.addInitScript(RECORD_VIOLATIONS)
    const res = await page.goto(`http://127.0.0.1:${port}/`)
    policy = (await res?.allHeaders())?.['content-security-policy'] ?? null
    await page.waitForFunction('window.__externalRan === true')
  })

  after(async () => {
    await browser?.close()
    await app?.close({ deadline: 100 })
    await framer?.close({ deadline: 100 })
  })

  /** Opens `url` (a page with one iframe) and says whether the framed page's script ran; goto waits for the frames' load. */
  async function framedScriptRan(url: string): Promise<boolean> {
    const parent = await browser.newPage()
    try {
      await parent.goto(url)
      const frames = parent.frames().filter((frame) => frame !== parent.mainFrame())
      assert.equal(frames.length, 1)
      return (await frames[0]!.evaluate('window.__externalRan === true').catch(() => false)) === true
    } finally {
      await parent.close()
    }
  }

  const violations = (): Promise<Array<{ directive: string; blocked: string; disposition: string }>> =>
    page.evaluate('window.__violations') as Promise<Array<{ directive: string; blocked: string; disposition: string }>>

  it("receives helmet.js's policy with the page", () => {
    assert.equal(policy, PAGE_CSP)
  })

  it('runs the same-origin script (script-src self) and blocks the inline one, reporting a script-src-elem violation', async () => {
    assert.equal(await page.evaluate('window.__externalRan'), true)
    assert.equal(await page.evaluate('window.__inlineRan'), undefined)
    assert.equal(await page.locator('#status').textContent(), 'same-origin script ran')
    const inline = (await violations()).filter((v) => v.directive === 'script-src-elem')
    assert.equal(inline.length, 1, JSON.stringify(await violations()))
    assert.equal(inline[0]!.blocked, 'inline')
    assert.equal(inline[0]!.disposition, 'enforce')
  })

  it("blocks an inline event handler (script-src-attr 'none') when it would fire", async () => {
    await page.locator('#inline-handler').click()
    await page.waitForFunction("window.__violations.some((v) => v.directive === 'script-src-attr')")
    assert.equal(await page.evaluate('window.__handlerRan'), undefined)
  })

  it("cannot be framed by another origin (frame-ancestors 'self', X-Frame-Options SAMEORIGIN), the same origin can", async () => {
    assert.equal(await framedScriptRan(`http://127.0.0.1:${port}/framer`), true, 'same-origin parent')
    assert.equal(await framedScriptRan(`${framerOrigin}/framer?src=${encodeURIComponent(`http://127.0.0.1:${port}/`)}`), false, 'cross-origin parent')
    // The control: the same page without helmet's headers (withoutSecurityHeaders) loads in that cross-origin frame.
    assert.equal(await framedScriptRan(`${framerOrigin}/framer?src=${encodeURIComponent(`http://127.0.0.1:${port}/framable`)}`), true, 'control')
  })

  it('lets another origin read the API through CORS, but not embed its image (Cross-Origin-Resource-Policy: same-origin)', async () => {
    const other = await browser.newPage()
    try {
      await other.goto(`${framerOrigin}/blank`)
      const base = `http://127.0.0.1:${port}`
      const read = await other.evaluate(`fetch('${base}/data').then((r) => r.json())`)
      assert.deepEqual(read, { ok: true })
      const loads = (src: string): Promise<unknown> =>
        other.evaluate(
          `new Promise((resolve) => { const img = new Image(); img.onload = () => resolve(true); img.onerror = () => resolve(false); img.src = '${src}' })`,
        )
      assert.equal(await loads(`${base}/pixel.png`), false, 'CORP same-origin blocks the cross-origin <img>')
      assert.equal(await loads(`${base}/pixel-shared.png`), true, 'the route set CORP cross-origin: it wins, the <img> loads')
    } finally {
      await other.close()
    }
  })
})
