/**
 * @module @vectora/openapi/options — the options of `app.register(openapi, options)` and of `generateDocument()`,
 * checked once: every mistake is an OpenApiConfigError (code OPENAPI_CONFIG_INVALID) naming the option and what to pass.
 */
import type { Guard, RouteInfo } from 'vectora'
import { OpenApiConfigError } from './errors.js'

/** The document's `info` (OpenAPI Info Object). Only `title` and `version` have defaults. */
export interface OpenApiInfo {
  /** Default `'API'`. */
  title?: string
  /** The API's version (not OpenAPI's). Default `'0.0.0'`. */
  version?: string
  summary?: string
  /** CommonMark. */
  description?: string
  termsOfService?: string
  contact?: { name?: string; url?: string; email?: string }
  license?: { name: string; identifier?: string; url?: string }
}

/** One entry of the document's `servers`. */
export interface OpenApiServer {
  /** Absolute (`https://api.example.com/v1`) or relative to where the document is served (`/v1`). */
  url: string
  description?: string
}

/** What `generateDocument()` takes: the document's own fields and which routes it describes. */
export interface DocumentOptions {
  info?: OpenApiInfo
  servers?: readonly OpenApiServer[]
  /**
   * Which routes the document describes. Default `defaultFilter`: every route but the framework's own (health
   * probes), this plugin's, and those with `docs.hidden`. A filter replaces that rule: compose with it,
   * `(route) => defaultFilter(route) && route.path.startsWith('/api')`.
   */
  filter?: (route: RouteInfo) => boolean
}

/**
 * The options of `app.register(openapi, options)`; all optional.
 *
 * @example
 * const options: OpenApiOptions = {
 *   info: { title: 'Notes', version: '1.2.0' },
 *   yaml: true,
 *   docsPath: process.env.NODE_ENV === 'production' ? false : '/docs',
 * }
 */
export interface OpenApiOptions extends DocumentOptions {
  /** Where the JSON document is served, or false for nowhere. Default `'/openapi.json'`. */
  jsonPath?: string | false
  /** Also serve the document as YAML: true for `'/openapi.yaml'`, or its path. Default false. */
  yaml?: boolean | string
  /** The Swagger UI page (its assets under `<docsPath>/assets/`), or false for none. Default `'/docs'`. */
  docsPath?: string | false
  /** Guards on every route this plugin serves (document, page, assets), e.g. `[requireAuth]` from @vectora/jwt. */
  guards?: readonly Guard[]
}

/** The options checked, defaults applied. */
export interface ResolvedOptions {
  readonly info: OpenApiInfo & { title: string; version: string }
  readonly servers: readonly OpenApiServer[] | undefined
  readonly filter: (route: RouteInfo) => boolean
  readonly jsonPath: string | undefined
  readonly yamlPath: string | undefined
  readonly docsPath: string | undefined
  readonly guards: readonly Guard[]
}

/** The plugin's name, which owns the routes it serves (and which the default filter leaves out). */
export const PLUGIN_NAME = '@vectora/openapi'

/**
 * The default route filter: leaves out the framework's routes (owner `vectora`: health probes), this
 * plugin's own routes, and routes whose `docs.hidden` is true.
 *
 * @example
 * app.register(openapi, { filter: (route) => defaultFilter(route) && !route.path.startsWith('/internal') })
 */
export function defaultFilter(route: RouteInfo): boolean {
  return route.owner !== 'vectora' && route.owner !== PLUGIN_NAME && route.docs?.hidden !== true
}

const DOCUMENT_KEYS = ['info', 'servers', 'filter']
const PLUGIN_KEYS = [...DOCUMENT_KEYS, 'jsonPath', 'yaml', 'docsPath', 'guards']
const INFO_STRINGS = ['title', 'version', 'summary', 'description', 'termsOfService'] as const
/** Static paths of unreserved characters: no params, wildcards, query or trailing slash. */
const STATIC_PATH = /^(\/[A-Za-z0-9._~-]+)+$/

/**
 * Checks the options of `generateDocument()`.
 *
 * @example
 * resolveDocumentOptions({}).info // { title: 'API', version: '0.0.0' }
 */
export function resolveDocumentOptions(options: DocumentOptions | undefined): Pick<ResolvedOptions, 'info' | 'servers' | 'filter'> {
  const o = checkObject(options, DOCUMENT_KEYS)
  return { info: checkInfo(o.info), servers: checkServers(o.servers), filter: checkFilter(o.filter) }
}

/**
 * Checks the options of `app.register(openapi, options)`.
 *
 * @example
 * resolveOptions({ yaml: true }).yamlPath // '/openapi.yaml'
 */
export function resolveOptions(options: OpenApiOptions | undefined): ResolvedOptions {
  const o = checkObject(options, PLUGIN_KEYS)
  const jsonPath = checkPath(o.jsonPath, 'jsonPath', '/openapi.json')
  const yamlPath = o.yaml === true ? '/openapi.yaml' : o.yaml === false || o.yaml === undefined ? undefined : checkPath(o.yaml, 'yaml', undefined)
  const docsPath = checkPath(o.docsPath, 'docsPath', '/docs')
  const paths = [jsonPath, yamlPath, docsPath].filter((p) => p !== undefined)
  if (new Set(paths).size !== paths.length) fail(`jsonPath, yaml and docsPath must be different paths (got ${paths.join(', ')}).`)
  if (docsPath !== undefined && jsonPath === undefined && yamlPath === undefined) {
    fail('docsPath needs the document served somewhere: keep jsonPath (or set yaml), or pass docsPath: false.')
  }
  if (o.guards !== undefined && (!Array.isArray(o.guards) || o.guards.some((g) => typeof g !== 'function'))) {
    fail(`guards must be an array of guard functions, such as [requireAuth] (got ${show(o.guards)}).`)
  }
  return { ...resolveDocumentOptions({ info: o.info, servers: o.servers, filter: o.filter }), jsonPath, yamlPath, docsPath, guards: o.guards ?? [] }
}

function checkObject(options: unknown, known: readonly string[]): Record<string, any> {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(`options must be an object (got ${show(options)}).`)
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = key === 'path' ? ' The JSON document\'s path is "jsonPath".' : ''
      fail(`unknown option "${key}" (known: ${known.join(', ')}).${hint}`)
    }
  }
  return options as Record<string, any>
}

function checkInfo(info: unknown): ResolvedOptions['info'] {
  if (info === undefined) return { title: 'API', version: '0.0.0' }
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`info must be an object { title, version, description } (got ${show(info)}).`)
  const i = info as Record<string, unknown>
  for (const key of INFO_STRINGS) if (i[key] !== undefined && typeof i[key] !== 'string') fail(`info.${key} must be a string (got ${show(i[key])}).`)
  for (const key of ['contact', 'license']) {
    if (i[key] !== undefined && (i[key] === null || typeof i[key] !== 'object')) fail(`info.${key} must be an object (got ${show(i[key])}).`)
  }
  if (i.license !== undefined && typeof (i.license as { name?: unknown }).name !== 'string') fail('info.license needs a name: { name: "MIT" }.')
  return { ...(info as OpenApiInfo), title: (i.title as string | undefined) ?? 'API', version: (i.version as string | undefined) ?? '0.0.0' }
}

function checkServers(servers: unknown): readonly OpenApiServer[] | undefined {
  if (servers === undefined) return undefined
  const ok = Array.isArray(servers) && servers.every((s) => s !== null && typeof s === 'object' && typeof s.url === 'string' && s.url !== '')
  if (!ok) fail(`servers must be an array of { url, description? } (got ${show(servers)}).`)
  return servers as OpenApiServer[]
}

function checkFilter(filter: unknown): (route: RouteInfo) => boolean {
  if (filter === undefined) return defaultFilter
  if (typeof filter !== 'function') fail(`filter must be a function (route) => boolean (got ${show(filter)}).`)
  return filter as (route: RouteInfo) => boolean
}

function checkPath(value: unknown, name: string, fallback: string | undefined): string | undefined {
  if (value === undefined) return fallback
  if (value === false) return undefined
  if (typeof value !== 'string' || !STATIC_PATH.test(value)) {
    fail(
      `${name} must be a static path such as "${fallback ?? '/openapi.yaml'}" (segments of letters, digits, "-._~"; no params or trailing slash), or false (got ${show(value)}).`,
    )
  }
  return value as string
}

function fail(message: string): never {
  throw new OpenApiConfigError(message)
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'function' ? 'a function' : 'an object'
}
