/**
 * @module @vectora/openapi/errors — the plugin's two errors: a wrong option (OPENAPI_CONFIG_INVALID, at register())
 * and a document that cannot be built (OPENAPI_DOCUMENT_INVALID, at ready: a contribution that throws, two
 * plugins describing one security scheme differently).
 */

/**
 * The error of an invalid configuration. At `app.register(openapi, options)` the host wraps it in a
 * VEC_ERR_PLUGIN_SETUP_FAILED whose `cause` it is; `generateDocument()` throws it as it is.
 *
 * @example
 * try { app.register(openapi, { docsPath: 'docs' }) } catch (err) {
 *   (err as Error).cause instanceof OpenApiConfigError // true; .code === 'OPENAPI_CONFIG_INVALID'
 * }
 */
export class OpenApiConfigError extends TypeError {
  readonly code = 'OPENAPI_CONFIG_INVALID' as const

  constructor(message: string) {
    super(`@vectora/openapi: ${message}`)
    this.name = 'OpenApiConfigError'
  }
}

/**
 * The document cannot be built: a `describeApi()` contribution threw (its error is the `cause`), or two plugins
 * give one security scheme name different definitions. Thrown by `generateDocument()`; at ready the app does
 * not start (VEC_ERR_LIFECYCLE_HOOK_FAILED with this as its cause).
 *
 * @example
 * err.code // 'OPENAPI_DOCUMENT_INVALID'
 */
export class OpenApiDocumentError extends Error {
  readonly code = 'OPENAPI_DOCUMENT_INVALID' as const

  constructor(message: string, options?: { cause?: unknown }) {
    super(`@vectora/openapi: ${message}`, options)
    this.name = 'OpenApiDocumentError'
  }
}
