/**
 * @module @vectora/otel/api — loads the optional peer `@opentelemetry/api` without making it a hard dependency.
 */
import { createRequire } from 'node:module'
import { VectoraError } from 'vectora'

/** The `@opentelemetry/api` module. */
export type OtelApi = typeof import('@opentelemetry/api')

const require = createRequire(import.meta.url)
let loaded: OtelApi | null | undefined

/** The api, or undefined when it is not installed (looked up once per process). */
export function loadOtelApi(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      loaded = require('@opentelemetry/api') as OtelApi
    } catch {
      loaded = null
    }
  }
  return loaded ?? undefined
}

/** The api, or a VectoraError telling how to install it: for `tracing: true` / `{ ... }`. */
export function requireOtelApi(): OtelApi {
  const api = loadOtelApi()
  if (api === undefined) {
    throw new VectoraError(
      'VEC_ERR_PLUGIN_SETUP_FAILED',
      '@vectora/otel: tracing needs the optional peer dependency @opentelemetry/api, which is not installed: npm install @opentelemetry/api (or pass tracing: false).',
    )
  }
  return api
}

/** For tests: pretend the api is (or is not) installed. `undefined` restores the real lookup. */
export function setOtelApiForTests(api: OtelApi | null | undefined): void {
  loaded = api
}
