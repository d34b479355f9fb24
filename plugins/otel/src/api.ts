/**
 * @module @vectora/otel/api — loads the optional peer `@opentelemetry/api` without making it a hard dependency.
 */
import { createRequire } from 'node:module'

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

/**
 * Thrown by setup (so register() fails with VEC_ERR_PLUGIN_SETUP_FAILED, this as its `cause`) when tracing was
 * asked for explicitly and `@opentelemetry/api` cannot be loaded. Code `OTEL_API_MISSING`.
 */
export class OtelApiMissingError extends Error {
  readonly code = 'OTEL_API_MISSING'
  constructor() {
    super(
      '@vectora/otel: tracing needs the optional peer dependency @opentelemetry/api, which is not installed. Run `npm install @opentelemetry/api` (and an SDK, e.g. @opentelemetry/sdk-node), or pass tracing: false.',
    )
  }
  static {
    this.prototype.name = 'OtelApiMissingError'
  }
}

/** The api, or an OtelApiMissingError telling how to install it: for `tracing: true` / `{ ... }`. */
export function requireOtelApi(): OtelApi {
  const api = loadOtelApi()
  if (api === undefined) throw new OtelApiMissingError()
  return api
}

/** For tests: pretend the api is (or is not) installed. `undefined` restores the real lookup. */
export function setOtelApiForTests(api: OtelApi | null | undefined): void {
  loaded = api
}
