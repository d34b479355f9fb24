/**
 * @module @vectora/static — the public entry point: the plugin, its options types and its configuration error.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { serveStatic } from '@vectora/static'
 *
 * const app = createApp()
 * app.register(serveStatic, { root: '/srv/public', prefix: '/assets' })
 */
export { StaticConfigError } from './errors.js'
export type { CacheControlFn, DotfilesPolicy, StaticOptions } from './options.js'
export { serveStatic } from './static.js'
