/**
 * @module routing/docs — a route's documentation (`docs` route option): what an API description such as
 * @vectora/openapi says about the route. The core checks its shape at registration and carries it to
 * `routes()`; nothing here runs per request.
 */
import type { Type } from 'arktype'
import { VectoraError } from '../base/catalogue.js'
import { describe } from '../base/check.js'

/** A documented response beyond the one the route's `response` contract describes. */
export interface DocumentedResponse {
  description: string
  /** The body's arktype type (its output side is documented). */
  schema?: Type
  /** Default `application/json` when a schema is given. */
  contentType?: string
}

/**
 * What a route says about itself in the API description. Every field is optional.
 *
 * @example
 * app.get('/notes/:id', { schema, docs: { summary: 'One note', tags: ['notes'], responses: { 404: { description: 'No such note' } } } }, handler)
 */
export interface RouteDocs {
  summary?: string
  description?: string
  tags?: readonly string[]
  /** Unique among the app's routes. Default: derived from the method and path (`getNotesById`). */
  operationId?: string
  deprecated?: boolean
  /** Leave the route out of the API description. */
  hidden?: boolean
  /** The status the `response` contract answers with. Default 200. */
  status?: number
  /** More responses by status (`404`, `409`...). */
  responses?: Readonly<Record<string, DocumentedResponse>>
  /** Example values of the request body and of the response. */
  examples?: { body?: unknown; response?: unknown }
}

const KEYS = new Set(['summary', 'description', 'tags', 'operationId', 'deprecated', 'hidden', 'status', 'responses', 'examples'])
const STRINGS = ['summary', 'description', 'operationId'] as const

/** Checks a `docs` route option; throws VEC_ERR_ROUTE_INVALID naming the route and the field. Returns a frozen copy. */
export function checkRouteDocs(route: string, docs: unknown): RouteDocs | undefined {
  if (docs === undefined) return undefined
  const bad = (field: string, want: string, got: unknown): never => {
    throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${route}: docs${field} must be ${want} (got ${describe(got)}).`)
  }
  if (typeof docs !== 'object' || docs === null || Array.isArray(docs)) bad('', 'an object { summary, description, tags, ... }', docs)
  const d = docs as Record<string, unknown>
  for (const key of Object.keys(d)) if (!KEYS.has(key)) bad(`.${key}`, `not set: docs takes ${[...KEYS].join(', ')}`, d[key])
  for (const key of STRINGS) if (d[key] !== undefined && typeof d[key] !== 'string') bad(`.${key}`, 'a string', d[key])
  for (const key of ['deprecated', 'hidden']) if (d[key] !== undefined && typeof d[key] !== 'boolean') bad(`.${key}`, 'a boolean', d[key])
  if (d.tags !== undefined && (!Array.isArray(d.tags) || d.tags.some((t) => typeof t !== 'string'))) bad('.tags', 'an array of strings', d.tags)
  if (d.status !== undefined && !(Number.isInteger(d.status) && (d.status as number) >= 100 && (d.status as number) <= 599))
    bad('.status', 'an HTTP status (100-599)', d.status)
  if (d.examples !== undefined && (typeof d.examples !== 'object' || d.examples === null)) bad('.examples', 'an object { body?, response? }', d.examples)
  if (d.responses !== undefined) {
    if (typeof d.responses !== 'object' || d.responses === null || Array.isArray(d.responses))
      bad('.responses', 'an object of responses by status', d.responses)
    for (const [status, response] of Object.entries(d.responses as object)) {
      if (!/^[1-5][0-9][0-9]$/.test(status)) bad(`.responses`, 'keyed by HTTP status (100-599)', status)
      if (typeof response !== 'object' || response === null || typeof (response as DocumentedResponse).description !== 'string') {
        bad(`.responses.${status}`, 'an object with a description string', response)
      }
    }
  }
  return Object.freeze({ ...(d as RouteDocs) })
}
