/**
 * @module @vectora/openapi/problem — the error replies the framework itself sends, as the document describes them:
 * the RFC 9457 `Problem` schema (kernel/ts/http/problem.ts, docs/errors.md) and the shared responses that point
 * at it, and which of them a route can really get.
 */
import type { RouteInfo } from 'vectora'
import type { JsonSchema } from './schema.js'

export const PROBLEM_TYPE = 'application/problem+json'
export const PROBLEM_REF = '#/components/schemas/Problem'

/** The problem+json body, as `problemOf()` and the Rust kernel write it. Extension members are allowed. */
const PROBLEM: JsonSchema = {
  type: 'object',
  description: 'An RFC 9457 problem: every error reply of Vectora and of its plugins.',
  properties: {
    type: { type: 'string', description: 'The docs URL of the error code (https://vectora.dev/docs/errors#...), or about:blank.' },
    title: { type: 'string', description: 'The reason phrase of the status.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path.' },
    code: { type: 'string', description: 'A stable error code: VEC_ERR_* for the framework, a plugin or app code otherwise.' },
    requestId: { type: 'string', description: 'The request id, as in the logs.' },
    errors: {
      type: 'array',
      description: 'VEC_ERR_VALIDATION: every value that failed the route contract.',
      items: { $ref: '#/components/schemas/ValidationIssue' },
    },
    stack: { type: 'array', items: { type: 'string' }, description: 'Development mode only, on 5xx replies.' },
  },
  required: ['type', 'title', 'status', 'detail', 'instance', 'requestId'],
}

/** One entry of `errors` (kernel/ts/contracts/types.ts ValidationIssue). */
const VALIDATION_ISSUE: JsonSchema = {
  type: 'object',
  properties: {
    in: { enum: ['params', 'query', 'headers', 'body', 'response'] },
    path: { type: 'string', description: "Where in the part: 'a.b[0]', '' for the part itself." },
    expected: { type: 'string' },
    actual: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['in', 'path', 'expected', 'actual', 'message'],
}

/** The schemas every document holds. */
export const PROBLEM_SCHEMAS: Readonly<Record<string, JsonSchema>> = { Problem: PROBLEM, ValidationIssue: VALIDATION_ISSUE }

/** A response whose body is a problem. */
export function problemResponse(description: string, headers?: Record<string, unknown>): JsonSchema {
  return { description, ...(headers === undefined ? {} : { headers }), content: { [PROBLEM_TYPE]: { schema: { $ref: PROBLEM_REF } } } }
}

/** `components.responses`: the framework's error replies, by name, with the status each is sent with. */
const FRAMEWORK: Readonly<Record<string, { status: string; description: string }>> = {
  BadRequest: {
    status: '400',
    description:
      'The request does not match the route contract (VEC_ERR_VALIDATION, with every failing value in `errors`), its JSON body is malformed or empty (VEC_ERR_MALFORMED_JSON, VEC_ERR_EMPTY_BODY), or a path parameter is badly percent-encoded (VEC_ERR_BAD_PATH_PARAM).',
  },
  Forbidden: { status: '403', description: 'A guard of the route refused the request (VEC_ERR_FORBIDDEN).' },
  PayloadTooLarge: { status: '413', description: 'The body is larger than the route allows (VEC_ERR_BODY_TOO_LARGE).' },
  UnsupportedMediaType: {
    status: '415',
    description: 'The body is not application/json (or +json) in utf-8 (VEC_ERR_UNSUPPORTED_MEDIA_TYPE).',
  },
  InternalServerError: { status: '500', description: 'An unexpected error (VEC_ERR_INTERNAL); its details stay in the server log.' },
}

/** The `components.responses` of the document. */
export function frameworkResponses(): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(FRAMEWORK).map(([name, { description }]) => [name, problemResponse(description)]))
}

/**
 * The framework's error replies `route` can get, as `status -> $ref`: 400 when it reads anything it checks
 * (a contract part, a path parameter, a JSON body), 413 and 415 with a body contract, 403 with guards, 500
 * always. No 404: the framework answers it only for paths no route matches, never for a matched route (a
 * handler's own 404 belongs in `docs.responses`).
 *
 * @example
 * frameworkErrorsOf(route) // { 400: { $ref: '#/components/responses/BadRequest' }, 500: { ... } }
 */
export function frameworkErrorsOf(route: RouteInfo): Record<string, { $ref: string }> {
  const schema = route.schema ?? {}
  const hasBody = schema.body !== undefined
  const checks = hasBody || schema.params !== undefined || schema.query !== undefined || schema.headers !== undefined || /\/[:*]/.test(route.path)
  const names = [
    checks && 'BadRequest',
    route.guards.length > 0 && 'Forbidden',
    hasBody && 'PayloadTooLarge',
    hasBody && 'UnsupportedMediaType',
    'InternalServerError',
  ].filter((name): name is string => name !== false)
  return Object.fromEntries(names.map((name) => [FRAMEWORK[name]!.status, { $ref: `#/components/responses/${name}` }]))
}
