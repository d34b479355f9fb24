/**
 * @module @vectora/openapi/document — the OpenAPI 3.1.0 document of an app: its documented routes as paths and
 * operations, the shared problem responses and schemas, and the security schemes plugins contribute.
 */
import type { ApiContributionEntry, RouteInfo } from 'vectora'
import { OpenApiDocumentError } from './errors.js'
import { toOperation } from './operation.js'
import { type DocumentOptions, type OpenApiInfo, type ResolvedOptions, resolveDocumentOptions } from './options.js'
import { deriveOperationId, type PathTemplate, toTemplate, uniqueIds } from './paths.js'
import { frameworkResponses, PROBLEM_SCHEMAS } from './problem.js'
import { type JsonSchema, SchemaComponents } from './schema.js'

/** An OpenAPI 3.1.0 document, as plain JSON data. */
export interface OpenApiDocument {
  openapi: '3.1.0'
  info: OpenApiInfo & { title: string; version: string }
  servers?: Array<{ url: string; description?: string }>
  tags?: Array<{ name: string }>
  paths: Record<string, Record<string, JsonSchema>>
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, JsonSchema>; securitySchemes?: Record<string, object> }
}

/** What a document is built from: an app, or a plugin's `app` (both have these). */
export interface RouteSource {
  routes(): RouteInfo[]
  apiContributions(): readonly ApiContributionEntry[]
}

/** The methods an OpenAPI 3.1 Path Item has; a route with another method is left out. */
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

/**
 * The OpenAPI 3.1.0 document of `app`'s routes. Call it on a ready app (contracts are compiled at ready; before,
 * the Types are converted directly). The plugin serves the same document; this is for tests, scripts and the CLI.
 * Throws OpenApiConfigError for wrong options, OpenApiDocumentError when a contribution fails.
 *
 * @example
 * await app.ready()
 * const doc = generateDocument(app, { info: { title: 'Notes', version: '1.0.0' } })
 * doc.paths['/notes/{id}'].get.operationId // 'getNotesById'
 */
export function generateDocument(app: RouteSource, options?: DocumentOptions): OpenApiDocument {
  return buildDocument(app, resolveDocumentOptions(options))
}

/** `generateDocument` with options already checked. */
export function buildDocument(app: RouteSource, options: Pick<ResolvedOptions, 'info' | 'servers' | 'filter'>): OpenApiDocument {
  const components = new SchemaComponents(PROBLEM_SCHEMAS)
  const paths: OpenApiDocument['paths'] = {}
  const templates = new Map<string, PathTemplate>()
  const uniqueId = uniqueIds()
  const tags: string[] = []
  for (const route of app.routes()) {
    const method = route.method.toLowerCase()
    if (!METHODS.has(method) || !options.filter(route)) continue
    const own = toTemplate(route.path)
    // `/a/:x` (GET) and `/a/:y` (POST) are one path for OpenAPI: the first route's names are used for both.
    const shared = templates.get(own.shape) ?? own
    templates.set(own.shape, shared)
    const pathParams = own.params.map((p, i) => ({ route: p.route, name: shared.params[i]!.name }))
    const operationId = uniqueId(route.docs?.operationId ?? deriveOperationId(route.method, route.path))
    const operation = toOperation(route, { operationId, pathParams, components })
    for (const tag of (operation.tags as string[] | undefined) ?? []) if (!tags.includes(tag)) tags.push(tag)
    paths[shared.template] ??= {}
    paths[shared.template]![method] = operation
  }
  const securitySchemes = securitySchemesOf(app.apiContributions())
  return {
    openapi: '3.1.0',
    info: options.info,
    ...(options.servers !== undefined && { servers: options.servers.map((s) => ({ ...s })) }),
    ...(tags.length > 0 && { tags: tags.map((name) => ({ name })) }),
    paths,
    components: {
      schemas: components.schemas,
      responses: frameworkResponses(),
      ...(securitySchemes !== undefined && { securitySchemes }),
    },
  }
}

/** Every contribution's security schemes; one name given two different definitions is an error naming both plugins. */
function securitySchemesOf(entries: readonly ApiContributionEntry[]): Record<string, object> | undefined {
  const schemes: Record<string, object> = {}
  const owners: Record<string, string> = {}
  for (const { plugin, contribution } of entries) {
    for (const [name, scheme] of Object.entries(contribution.securitySchemes ?? {})) {
      if (name in schemes && JSON.stringify(schemes[name]) !== JSON.stringify(scheme)) {
        throw new OpenApiDocumentError(`${owners[name]} and ${plugin} both describe the security scheme "${name}", differently; give one of them another name.`)
      }
      schemes[name] = structuredClone(scheme)
      owners[name] ??= plugin
    }
  }
  return Object.keys(schemes).length === 0 ? undefined : schemes
}
