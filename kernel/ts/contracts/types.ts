/**
 * @module contracts/types — the types of route contracts, in one file: what a schema declares, what
 * validation yields, the issues it reports, and the compiled contract plugins read (OpenAPI).
 */
import type { Type } from 'arktype'
import type { HttpError } from '../http/errors.js'

/** The arktype Types of one route. Each is optional; define them at module load, never per request. */
export interface RouteSchema {
  /** Path params (strings; numbers and booleans are coerced). Only names the path declares. */
  params?: Type
  /** Query values (strings or arrays of strings; coerced like params, single values wrapped for arrays). */
  query?: Type
  /** Request headers; names are lower-case. Coerced like params. */
  headers?: Type
  /** The parsed JSON body (undefined when the request has none). Never coerced. */
  body?: Type
  /** The handler's return value. */
  response?: Type
}

/** The raw inputs the validate phase reads from a request (already parsed: params decoded, query object, headers lower-case object, body = parsed JSON or undefined). */
export interface ContractInput {
  params: Record<string, string>
  query: Record<string, string | string[]>
  headers: Record<string, string>
  body: unknown
  /**
   * The body's values are strings (a body reader with `strings: true` read it, a form): its top-level keys are
   * coerced as the query's are. A JSON body never is.
   */
  bodyStrings?: boolean
}

/** The validated (coerced, morphed) values; a key is present only for the parts the schema declares. */
export interface ContractOutput {
  params?: unknown
  query?: unknown
  headers?: unknown
  body?: unknown
}

/** The part of the exchange an issue is about. */
export type ContractPart = keyof RouteSchema

/**
 * One failing value, as listed in the `errors` member of a VEC_ERR_VALIDATION (or, in development,
 * VEC_ERR_RESPONSE_INVALID) problem.
 *
 * @example
 * { in: 'params', path: 'id', expected: 'a number', actual: '"abc"', message: 'id must be a number (was "abc")' }
 */
export interface ValidationIssue {
  readonly in: ContractPart
  /** Where in the part: `a.b[0]`; '' for the part itself. */
  readonly path: string
  /** What the schema wants (`a number`, `"x" or "y"`, `at least length 3`). */
  readonly expected: string
  /** What was received: the value for a primitive (`"abc"`, `12`), else a description (`an array`, `missing`). */
  readonly actual: string
  readonly message: string
}

/** The HttpError thrown by `validate()` (and by `validateResponse()` in development): `errors` lists every issue. */
export interface ContractError extends HttpError {
  readonly errors: readonly ValidationIssue[]
}

/** A compiled contract: what the validate phase runs per request. */
export interface Contract {
  readonly schema: RouteSchema
  /** True when a body schema exists (the validate phase must read and parse the JSON body first). */
  readonly needsBody: boolean
  /**
   * The media types a request body may have: `application/json`, then those of the body readers serving the
   * route (docs/contracts.md#body-readers). Empty without a body schema.
   */
  readonly bodyMediaTypes: readonly string[]
  /**
   * Coerces params, query and headers, then validates every declared part; returns the typed values.
   * Throws a ContractError (400 VEC_ERR_VALIDATION) listing EVERY failing path across all parts.
   */
  validate(input: ContractInput): ContractOutput
  /**
   * Present only with a `response` schema. Returns the validated (morphed) value: with `'+': 'delete'`
   * undeclared keys are gone. On a mismatch it throws 500 VEC_ERR_RESPONSE_INVALID and the value is never
   * sent: in development a ContractError listing the issues; in production an HttpError whose detail is the
   * generic catalogue message, with the mismatch only in its `cause` (which the error log prints).
   */
  validateResponse?(value: unknown): unknown
  /**
   * JSON Schema (draft 2020-12, no `$schema` key: ready to embed in OpenAPI 3.1) of each declared part:
   * the input side for request parts, the output side for `response`. Never throws: what JSON Schema
   * cannot say is approximated (with a `$comment`), at worst `{}`. A fresh copy per call.
   */
  toJsonSchema(): { params?: object; query?: object; headers?: object; body?: object; response?: object }
}

/** Options of `compileContract`. */
export interface ContractOptions {
  /** Response mismatches list their issues in the reply (true) or only in the log (false). Default: `NODE_ENV === 'development'`, like createApp(). */
  development?: boolean
  /** The media types body readers add for this route (the contract step passes them), after `application/json`. */
  bodyMediaTypes?: readonly string[]
}

/**
 * The validated type of one part of a schema (after morphs), or `Fallback` when the part is not declared.
 *
 * @example
 * const schema = { params: type({ id: 'string.integer.parse' }) }
 * type P = Infer<typeof schema, 'params', Record<string, string>> // { id: number }
 */
export type Infer<S extends RouteSchema, K extends keyof RouteSchema, Fallback> = K extends keyof S ? (S[K] extends Type ? S[K]['infer'] : Fallback) : Fallback

/**
 * The input type of one part (before morphs), or `Fallback`: what a handler must return for `response`.
 *
 * @example
 * const schema = { response: type({ at: 'Date' }).pipe((o) => ({ at: o.at.toISOString() })) }
 * type R = InferIn<typeof schema, 'response', unknown> // { at: Date }
 */
export type InferIn<S extends RouteSchema, K extends keyof RouteSchema, Fallback> = K extends keyof S
  ? S[K] extends Type
    ? S[K]['inferIn']
    : Fallback
  : Fallback
