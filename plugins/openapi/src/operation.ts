/**
 * @module @vectora/openapi/operation — one route as an OpenAPI Operation Object: parameters and request body from its
 * contract, its responses (the contract's, the framework's errors, the contributions', `docs.responses`), and
 * what `describeApi()` contributions add (security, parameters, tags).
 */
import { STATUS_CODES } from 'node:http'
import type { OperationContribution, RouteInfo, RouteSchema } from 'vectora'
import { OpenApiDocumentError } from './errors.js'
import type { PathParam } from './paths.js'
import { frameworkErrorsOf, problemResponse } from './problem.js'
import { allowsUndefined, type JsonSchema, propertiesOf, type SchemaComponents, typeToJsonSchema, withoutAbsentBranch } from './schema.js'

type Security = Record<string, string[]>
type Parts = ReturnType<NonNullable<RouteInfo['contract']>['toJsonSchema']>

const JSON_TYPE = 'application/json'
const REQUEST_PARTS = ['params', 'query', 'headers', 'body'] as const
// OpenAPI 3.1 §4.8.12.1: header parameters with these names "SHALL be ignored"; they are described otherwise.
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization'])

/** What the document decided for the route: its id, its template's params and the shared schemas. */
export interface OperationContext {
  readonly operationId: string
  readonly pathParams: readonly PathParam[]
  readonly components: SchemaComponents
}

/**
 * The Operation Object of `route`. Never throws on a contract (what JSON Schema cannot say is approximated);
 * throws OpenApiDocumentError when a contribution's `operation()` throws.
 *
 * @example
 * toOperation(route, { operationId: 'getUsersById', pathParams, components }).responses['200']
 */
export function toOperation(route: RouteInfo, context: OperationContext): JsonSchema {
  const parts = partsOf(route, context)
  const contributed = contributionsOf(route)
  const docs = route.docs
  const tags = unique([...(docs?.tags ?? []), ...contributed.tags])
  const requestBody = requestBodyOf(route, parts.body)
  const parameters = [...parametersOf(parts, context.pathParams), ...contributed.parameters].filter(firstOfEach())
  return {
    ...(tags.length > 0 && { tags }),
    ...(docs?.summary !== undefined && { summary: docs.summary }),
    ...(docs?.description !== undefined && { description: docs.description }),
    operationId: context.operationId,
    ...(docs?.deprecated === true && { deprecated: true }),
    ...(parameters.length > 0 && { parameters }),
    ...(requestBody !== undefined && { requestBody }),
    responses: responsesOf(route, parts.response, contributed.responses, context),
    ...(contributed.security !== undefined && { security: contributed.security }),
  }
}

/** The JSON Schema of each contract part, embedded: from the compiled contract, or (before ready) from the Types. */
function partsOf(route: RouteInfo, { components, operationId }: OperationContext): Parts {
  const raw: Parts = route.contract?.toJsonSchema() ?? fromTypes(route.schema)
  const parts: Parts = {}
  for (const [name, schema] of Object.entries(raw)) {
    if (schema !== undefined) parts[name as keyof Parts] = components.embed(schema as JsonSchema, operationId + name[0]!.toUpperCase() + name.slice(1))
  }
  return parts
}

function fromTypes(schema: RouteSchema | undefined): Parts {
  const parts: Parts = {}
  for (const name of [...REQUEST_PARTS, 'response'] as const) {
    const type = schema?.[name]
    if (type !== undefined) parts[name] = typeToJsonSchema(type, name === 'response' ? 'out' : 'in')
  }
  return parts
}

/** Path params (every one the path has, required, a string unless the contract says more), then query and headers. */
function parametersOf(parts: Parts, pathParams: readonly PathParam[]): JsonSchema[] {
  const declared = new Map(propertiesOf(parts.params as JsonSchema | undefined).map((p) => [p.name, p.schema]))
  const path = pathParams.map((p) => ({
    name: p.name,
    in: 'path',
    required: true,
    ...(p.route === '*' && { description: 'The rest of the path (a `*` route): may hold `/`, sent percent-encoded as %2F.' }),
    schema: declared.get(p.route) ?? { type: 'string' },
  }))
  const query = propertiesOf(parts.query as JsonSchema | undefined).map((p) => ({ name: p.name, in: 'query', required: p.required, schema: p.schema }))
  const headers = propertiesOf(parts.headers as JsonSchema | undefined)
    .filter((p) => !IGNORED_HEADERS.has(p.name))
    .map((p) => ({ name: p.name, in: 'header', required: p.required, schema: p.schema }))
  return [...path, ...query, ...headers]
}

function requestBodyOf(route: RouteInfo, body: object | undefined): JsonSchema | undefined {
  if (body === undefined) return undefined
  const optional = allowsUndefined(route.schema?.body)
  const schema = optional ? withoutAbsentBranch(body as JsonSchema) : body
  // JSON, then what body readers add (a form plugin's media types): one schema, each read into the same contract.
  const types = route.contract?.bodyMediaTypes ?? [JSON_TYPE]
  const content: Record<string, JsonSchema> = {}
  // A copy each: a YAML writer would turn a shared object into anchors and aliases.
  for (const type of types.length === 0 ? [JSON_TYPE] : types) content[type] = structuredClone(mediaType(schema, route.docs?.examples, 'body'))
  return { required: !optional, content }
}

/** The responses, by status in ascending order: the success, the framework's errors, contributions, then `docs.responses`. */
function responsesOf(
  route: RouteInfo,
  response: object | undefined,
  contributed: Record<string, JsonSchema>,
  { components, operationId }: OperationContext,
): JsonSchema {
  const docs = route.docs
  const status = String(docs?.status ?? 200)
  // 204 and 304 never carry a body (RFC 9110 §15.3.5, §15.4.5), whatever the contract says.
  const content = response !== undefined && status !== '204' && status !== '304'
  const responses: Record<string, JsonSchema> = {
    [status]: { description: reason(status), ...(content && { content: { [JSON_TYPE]: mediaType(response, docs?.examples, 'response') } }) },
    ...frameworkErrorsOf(route),
    ...contributed,
  }
  for (const [code, documented] of Object.entries(docs?.responses ?? {})) {
    // Without a schema: what a contribution said of that status, else an error status is the problem+json
    // reply a thrown HttpError becomes (the usual way a handler answers 404 or 409).
    const content =
      documented.schema !== undefined
        ? { [documented.contentType ?? JSON_TYPE]: { schema: components.embed(typeToJsonSchema(documented.schema), `${operationId}Response${code}`) } }
        : (responses[code]?.content ?? (Number(code) >= 400 ? problemResponse('').content : undefined))
    responses[code] = { description: documented.description, ...(content !== undefined && { content }) }
  }
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)))
}

function mediaType(schema: object, examples: { body?: unknown; response?: unknown } | undefined, which: 'body' | 'response'): JsonSchema {
  return { schema, ...(examples !== undefined && which in examples && { example: examples[which] }) }
}

interface Contributed {
  security: Security[] | undefined
  responses: Record<string, JsonSchema>
  parameters: JsonSchema[]
  tags: string[]
}

/**
 * What the route's contributions add, in registration order. Security requirements combine with AND (each
 * plugin's hooks must let the request through): `[{ a }]` and `[{ b }, { c }]` are `[{ a, b }, { a, c }]`.
 * Two contributions of one status share the response: descriptions joined, headers merged.
 */
function contributionsOf(route: RouteInfo): Contributed {
  const out: Contributed = { security: undefined, responses: {}, parameters: [], tags: [] }
  for (const { plugin, contribution } of route.contributions) {
    let added: OperationContribution | undefined
    try {
      added = contribution.operation?.(route)
    } catch (error) {
      throw new OpenApiDocumentError(`the describeApi() contribution of ${plugin} threw for ${route.method} ${route.path}.`, { cause: error })
    }
    if (added === undefined || added === null) continue
    if (added.security !== undefined) out.security = andSecurity(out.security, added.security)
    for (const [status, response] of Object.entries(added.responses ?? {})) {
      const previous = out.responses[status]
      const headers = { ...(previous?.headers as object | undefined), ...response.headers }
      const description = previous === undefined ? response.description : `${previous.description as string}\n\n${response.description}`
      const hasHeaders = Object.keys(headers).length > 0
      out.responses[status] =
        response.problem === true || previous?.content !== undefined
          ? problemResponse(description, hasHeaders ? headers : undefined)
          : { description, ...(hasHeaders && { headers }) }
    }
    out.parameters.push(...(added.parameters ?? []).map((p) => ({ ...p }) as JsonSchema))
    out.tags.push(...(added.tags ?? []))
  }
  return out
}

function andSecurity(current: Security[] | undefined, added: ReadonlyArray<Readonly<Record<string, readonly string[]>>>): Security[] {
  const copy = (r: Readonly<Record<string, readonly string[]>>): Security => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v]]))
  if (current === undefined) return added.map(copy)
  const combined: Security[] = []
  for (const a of current) {
    for (const b of added) {
      const both = copy(a)
      for (const [name, scopes] of Object.entries(b)) both[name] = unique([...(both[name] ?? []), ...scopes])
      if (!combined.some((c) => JSON.stringify(c) === JSON.stringify(both))) combined.push(both)
    }
  }
  return combined
}

/** Parameters are unique by location and name: the first one stays. */
function firstOfEach(): (p: JsonSchema) => boolean {
  const seen = new Set<string>()
  return (p) => {
    const key = `${p.in as string}\u0000${p.in === 'header' ? (p.name as string).toLowerCase() : (p.name as string)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }
}

function reason(status: string): string {
  return STATUS_CODES[status] ?? 'Response'
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}
