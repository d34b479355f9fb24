/**
 * @module @vectora/cors — the public entry point: the plugin, its options types and its configuration error.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { cors } from '@vectora/cors'
 *
 * const app = createApp()
 * app.register(cors, { origin: ['https://app.example.com'] })
 */
export { cors } from './cors.js'
export { CorsConfigError } from './options.js'
export type { CorsOptions, CorsOrigin, CorsOriginFn } from './options.js'
