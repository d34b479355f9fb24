/**
 * @module @vectora/openapi — the public entry point: the plugin, `generateDocument()`, the default route filter,
 * the errors and the options and document types.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { openapi } from '@vectora/openapi'
 *
 * const app = createApp()
 * app.register(openapi, { info: { title: 'Notes', version: '1.0.0' }, yaml: true })
 */
export { openapi } from './openapi.js'
export { generateDocument } from './document.js'
export type { OpenApiDocument, RouteSource } from './document.js'
export { DOCS_CSP } from './docs-page.js'
export { defaultFilter } from './options.js'
export type { DocumentOptions, OpenApiInfo, OpenApiOptions, OpenApiServer } from './options.js'
export { OpenApiConfigError, OpenApiDocumentError } from './errors.js'
