/**
 * @module @vectora/openapi/docs-page — the Swagger UI page, served by the app itself from swagger-ui-dist@5 (no CDN)
 * under a strict Content-Security-Policy: no inline script (the start-up is a served file that reads the
 * document's URL from its own `data-url`), no request leaves the origin (`validatorUrl: null`).
 */
import { readFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type Asset, contentHash, createAsset, IMMUTABLE, REVALIDATE } from './asset.js'

/**
 * The page's policy. Swagger UI needs nothing inline: its styles come from swagger-ui.css, its icons are inline
 * SVG elements and data: images, and it fetches the document (and "Try it out" requests) from this origin.
 * `style-src 'self'` holds although React sets `style` attributes: those go through the CSSOM, which CSP does not
 * govern (test/browser.test.ts checks that no violation fires in Chromium).
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

// Plain ES5 in the browser, read from the tag that loaded it; never interpolated, so never escaped.
const INIT = `/* @vectora/openapi: starts Swagger UI with the document named by this script's data-url. */
'use strict';
(function () {
  var url = document.currentScript.getAttribute('data-url');
  window.ui = SwaggerUIBundle({
    url: url,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
})();
`

/** Where swagger-ui-dist is installed and which version it is (read at register). */
export interface SwaggerUiDist {
  readonly dir: string
  readonly version: string
}

/** Finds swagger-ui-dist next to this package (node_modules), as the app will run it. */
export function findSwaggerUi(): SwaggerUiDist {
  const manifest = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
  return { dir: dirname(manifest), version }
}

/** The page's paths, fixed at register: Swagger UI's files versioned by its version, the start-up by its hash. */
export function docsPaths(docsPath: string, dist: SwaggerUiDist) {
  const assets = `${docsPath}/assets`
  return {
    page: docsPath,
    css: `${assets}/swagger-ui-${dist.version}/swagger-ui.css`,
    bundle: `${assets}/swagger-ui-${dist.version}/swagger-ui-bundle.js`,
    favicon: `${assets}/swagger-ui-${dist.version}/favicon-32x32.png`,
    init: `${assets}/init-${contentHash(INIT)}.js`,
  }
}

export type DocsPaths = ReturnType<typeof docsPaths>

/**
 * Reads Swagger UI's files (once, at ready) and builds the page loading `documentPath`. Returns every asset by
 * the path it is served at. Links are relative to the page, so a plugin registered in a group works too.
 *
 * @example
 * const assets = await loadDocsPage(docsPaths('/docs', dist), dist, '/openapi.json', 'Notes API')
 * assets.get('/docs').headers['content-security-policy'] // DOCS_CSP
 */
export async function loadDocsPage(paths: DocsPaths, dist: SwaggerUiDist, documentPath: string, title: string): Promise<Map<string, Asset>> {
  const [css, bundle, favicon] = await Promise.all(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'].map((f) => readFile(join(dist.dir, f))))
  const link = (to: string): string => escapeHtml(relativeUrl(paths.page, to))
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" type="image/png" href="${link(paths.favicon)}">
<link rel="stylesheet" href="${link(paths.css)}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${link(paths.bundle)}"></script>
<script src="${link(paths.init)}" data-url="${link(documentPath)}"></script>
</body>
</html>
`
  const page = {
    'content-security-policy': DOCS_CSP,
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  }
  return new Map([
    [paths.page, createAsset(html, 'text/html; charset=utf-8', REVALIDATE, page)],
    [paths.css, createAsset(css!, 'text/css; charset=utf-8', IMMUTABLE)],
    [paths.bundle, createAsset(bundle!, 'text/javascript; charset=utf-8', IMMUTABLE)],
    [paths.favicon, createAsset(favicon!, 'image/png', IMMUTABLE)],
    [paths.init, createAsset(INIT, 'text/javascript; charset=utf-8', IMMUTABLE)],
  ])
}

/**
 * `to` relative to the page at `from` (both absolute paths of one scope), so the links hold under any prefix.
 *
 * @example
 * relativeUrl('/docs', '/docs/assets/a.js') // './docs/assets/a.js'
 * relativeUrl('/api/docs', '/openapi.json') // '../openapi.json'
 */
export function relativeUrl(from: string, to: string): string {
  const dir = from.split('/').slice(1, -1)
  const target = to.split('/').slice(1)
  let common = 0
  while (common < dir.length && common < target.length - 1 && dir[common] === target[common]) common++
  const up = dir.length - common
  return (up === 0 ? './' : '../'.repeat(up)) + target.slice(common).join('/')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
