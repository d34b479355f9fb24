/**
 * @module playground/page — the playground's own front-end: `GET /` is public/index.html, `/assets/*` the folder
 * public/assets/ (through `@vectora/static`), both with the security headers of a page. `@vectora/helmet` is
 * registered app-wide with its `api` preset (nothing in a JSON reply may load or run anything); this plugin's
 * onSend hook puts the `page` preset's headers on the page's replies first, and helmet, which runs later and never
 * overwrites a header, adds nothing over them. The page's routes are left out of the API document.
 */
import { fileURLToPath } from 'node:url'
import { securityHeaders } from '@vectora/helmet'
import { serveStatic } from '@vectora/static'
import { definePlugin, reply } from 'vectora'

/**
 * Options of `page`.
 *
 * @example
 * const options: PageOptions = { root: new URL('../public/', import.meta.url), connectSources: ['http://localhost:*'] }
 */
export interface PageOptions {
  /** The folder holding index.html and assets/. */
  readonly root: URL
  /** `connect-src` sources besides `'self'`: the API origins the page may call. */
  readonly connectSources: readonly string[]
}

/**
 * The route patterns whose replies are the page: `GET /` and what `@vectora/static` registers at `/assets`.
 *
 * @example
 * PAGE_ROUTES.includes(req.route ?? '') // a reply of the page
 */
export const PAGE_ROUTES: readonly string[] = ['/', '/assets', '/assets/', '/assets/*']

/**
 * The page preset, stricter where the page needs nothing more: styles from the page's own origin only (no inline
 * styles, no `https:` hosts), `connect-src` as given, and no `upgrade-insecure-requests` (the playground is
 * served over plain HTTP; upgrading its own requests would break it).
 *
 * @example
 * pageHeaders(['http://localhost:*'])['content-security-policy']
 */
export function pageHeaders(connectSources: readonly string[]): Record<string, string> {
  return securityHeaders({
    preset: 'page',
    contentSecurityPolicy: {
      directives: {
        'style-src': ["'self'"],
        'font-src': ["'self'"],
        'connect-src': ["'self'", ...connectSources],
        'upgrade-insecure-requests': null,
      },
    },
  })
}

/**
 * The page, its assets and their headers.
 *
 * @example
 * app.register(page, { root: new URL('../public/', import.meta.url), connectSources: [] })
 */
export const page = definePlugin({
  name: 'playground-page',
  version: '0.1.0',
  setup(app, options: PageOptions) {
    const headers = Object.entries(pageHeaders(options.connectSources))
    const routes = new Set(PAGE_ROUTES)
    app.addHook(
      'onSend',
      (out, req) => {
        if (req.route === undefined || !routes.has(req.route)) return
        for (const [name, value] of headers) out.header(name, value)
      },
      { name: 'pageHeaders' },
    )
    const index = fileURLToPath(new URL('index.html', options.root))
    // no-cache: the page revalidates (ETag) on every visit, so a new version is seen at once.
    app.get('/', { docs: { hidden: true } }, () => reply.file(index, { cacheControl: 'no-cache' }))
    app.register(serveStatic, { root: new URL('assets/', options.root), prefix: '/assets', cacheControl: 'no-cache' })
  },
})
