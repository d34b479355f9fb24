/** @module contract — typed route contracts: arktype Types for params, query, headers, body and response. */
import { createRequire } from 'node:module'
import type { ArkError, ArkErrors, Type } from 'arktype'
import { VectoraError } from './error-catalogue.js'
import { httpError, type HttpError } from './errors.js'
import { describe } from './headers.js'
import { createLogger, type Logger } from './logger.js'

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
}

/** The validated (coerced, morphed) values; a key is present only for the parts the schema declares. */
export interface ContractOutput { params?: unknown; query?: unknown; headers?: unknown; body?: unknown }

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

/** The HttpError thrown by `validate()` (and `validateResponse()` in development): `errors` lists every issue. */
export interface ContractError extends HttpError {
  readonly errors: readonly ValidationIssue[]
}

/** A compiled contract: what the validate phase runs per request. */
export interface Contract {
  readonly schema: RouteSchema
  /** True when a body schema exists (the validate phase must read and parse the JSON body first). */
  readonly needsBody: boolean
  /**
   * Coerces params, query and headers, then validates every declared part; returns the typed values.
   * Throws a ContractError (400 VEC_ERR_VALIDATION) listing EVERY failing path across all parts.
   */
  validate(input: ContractInput): ContractOutput
  /**
   * Present only with a `response` schema. Returns the validated (morphed) value. On a mismatch: in
   * development it throws a ContractError (500 VEC_ERR_RESPONSE_INVALID); in production it logs a warning
   * (the first mismatch, then at most one a minute per route with a `suppressed` count) and returns
   * `value` unchanged, so a schema bug never takes a route down.
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
  /** Response mismatches throw (true) or are logged (false). Default: `NODE_ENV === 'development'`, like createApp(). */
  development?: boolean
  /** Where production response mismatches are logged. Default: a `createLogger()` logger. */
  log?: Logger
}

/**
 * The validated type of one part of a schema (after morphs), or `Fallback` when the part is not declared.
 *
 * @example
 * const schema = { params: type({ id: 'string.integer.parse' }) }
 * type P = Infer<typeof schema, 'params', Record<string, string>> // { id: number }
 */
export type Infer<S extends RouteSchema, K extends keyof RouteSchema, Fallback> =
  K extends keyof S ? (S[K] extends Type ? S[K]['infer'] : Fallback) : Fallback

/**
 * The input type of one part (before morphs), or `Fallback`: what a handler must return for `response`.
 *
 * @example
 * const schema = { response: type({ at: 'Date' }).pipe((o) => ({ at: o.at.toISOString() })) }
 * type R = InferIn<typeof schema, 'response', unknown> // { at: Date }
 */
export type InferIn<S extends RouteSchema, K extends keyof RouteSchema, Fallback> =
  K extends keyof S ? (S[K] extends Type ? S[K]['inferIn'] : Fallback) : Fallback

const PARTS: readonly ContractPart[] = ['params', 'query', 'headers', 'body', 'response']
const REQUEST_PARTS = ['params', 'query', 'headers', 'body'] as const
const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/
// arktype's `actual` for a domain mismatch describes the type ("a string"); the value itself says more.
const DESCRIPTION = /^(an? )?(string|number|bigint|boolean|null)$/
const LOG_INTERVAL = 60_000
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/

/** What a string may become at one key. */
interface Scalar { readonly number: boolean; readonly boolean: boolean }
/** How to coerce one top-level key, computed at compile time from the part's JSON Schema. */
interface KeyPlan {
  readonly key: string
  /** Coercion of a single string, when the key accepts numbers/booleans but no strings. */
  readonly scalar: Scalar | null
  /** A single string becomes `[string]` (the key wants an array only). */
  readonly wrap: boolean
  /** Coercion of each array element. */
  readonly item: Scalar | null
}
interface CompiledPart {
  readonly name: (typeof REQUEST_PARTS)[number]
  readonly type: Type
  readonly plan: readonly KeyPlan[]
}
type JsonSchemaLike = Record<string, unknown>

/**
 * Builds a route's contract at registration: checks the schema, precomputes the coercion plans, and
 * returns the per-request validator. `where` (`GET /users/:id`) goes in every message; `paramNames`
 * are the path's params. Throws VectoraError VEC_ERR_CONTRACT_INVALID for an unknown schema key, a
 * value that is not an arktype Type, params the path does not declare, or upper-case header names.
 *
 * @example
 * const contract = compileContract({ params: type({ id: 'number.integer' }) }, 'GET /users/:id', ['id'])
 * contract.validate({ params: { id: '42' }, query: {}, headers: {}, body: undefined }) // { params: { id: 42 } }
 */
export function compileContract(
  schema: RouteSchema, where: string, paramNames: readonly string[], options: ContractOptions = {},
): Contract {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    invalid(where, `the schema must be an object of arktype Types (got ${describe(schema)})`)
  }
  for (const key of Object.keys(schema)) {
    if (!(PARTS as readonly string[]).includes(key)) {
      invalid(where, `unknown schema key "${key}"; known: ${PARTS.join(', ')}`)
    }
    const value = (schema as Record<string, unknown>)[key]
    if (value !== undefined && !isArkType(value)) {
      invalid(where, `schema.${key} is not an arktype Type (got ${describe(value)}); write ${key}: type({ ... })`)
    }
  }

  const jsonCache = new Map<ContractPart, JsonSchemaLike>()
  const parts: CompiledPart[] = []
  for (const name of REQUEST_PARTS) {
    const type = schema[name]
    if (type === undefined) continue
    let plan: KeyPlan[] = []
    if (name !== 'body') {
      const json = jsonSchemaOf(type, 'in')
      jsonCache.set(name, json)
      const branches = objectBranches(json)
      if (branches === null) {
        invalid(where, `schema.${name} must describe an object (its JSON Schema is ${JSON.stringify(json)})`)
      }
      const keys = declaredKeys(branches)
      if (name === 'params') {
        const extra = keys.filter((key) => !paramNames.includes(key))
        if (extra.length > 0) {
          const names = paramNames.length === 0 ? 'none' : paramNames.join(', ')
          invalid(where, `schema.params declares ${extra.map((k) => `"${k}"`).join(', ')}, which the path does not have (path params: ${names})`)
        }
      }
      if (name === 'headers') {
        const upper = keys.filter((key) => key !== key.toLowerCase())
        if (upper.length > 0) {
          invalid(where, `schema.headers names must be lower-case (request header names are): ${upper.map((k) => `"${k}" -> "${k.toLowerCase()}"`).join(', ')}`)
        }
      }
      plan = planOf(branches, keys)
    }
    parts.push({ name, type, plan })
  }

  const contract: Contract = {
    schema,
    needsBody: schema.body !== undefined,
    validate(input: ContractInput): ContractOutput {
      const output: ContractOutput = {}
      let issues: ValidationIssue[] | undefined
      for (const part of parts) {
        const raw = part.plan.length === 0 ? input[part.name] : coerce(input[part.name] as Record<string, unknown>, part.plan)
        const result: unknown = part.type(raw)
        if (result instanceof arktype().ArkErrors) issues = collectIssues(result, part.name, issues ?? [])
        else output[part.name] = result
      }
      if (issues !== undefined) {
        throw contractError('VEC_ERR_VALIDATION', `Invalid request for ${where}: ${summarize(issues)}`, issues)
      }
      return output
    },
    toJsonSchema() {
      const out: ReturnType<Contract['toJsonSchema']> = {}
      for (const name of PARTS) {
        const type = schema[name]
        if (type === undefined) continue
        let json = jsonCache.get(name)
        if (json === undefined) {
          json = jsonSchemaOf(type, name === 'response' ? 'out' : 'in')
          jsonCache.set(name, json)
        }
        out[name] = structuredClone(json)
      }
      return out
    },
  }
  const response = schema.response
  if (response !== undefined) {
    const development = options.development ?? process.env.NODE_ENV === 'development'
    let log = options.log
    let lastLog = -Infinity
    let suppressed = 0
    contract.validateResponse = (value: unknown): unknown => {
      const result: unknown = response(value)
      if (!(result instanceof arktype().ArkErrors)) return result
      const issues = collectIssues(result, 'response', [])
      if (development) {
        throw contractError('VEC_ERR_RESPONSE_INVALID', `The response of ${where} does not match its schema: ${summarize(issues)}`, issues)
      }
      const now = Date.now()
      if (now - lastLog < LOG_INTERVAL) {
        suppressed++
      } else {
        log ??= createLogger()
        log.warn(`The response of ${where} does not match its schema; sent as returned.`, {
          code: 'VEC_ERR_RESPONSE_INVALID', route: where, errors: issues, suppressed,
        })
        lastLog = now
        suppressed = 0
      }
      return value
    }
  }
  return contract
}

function invalid(where: string, reason: string): never {
  throw new VectoraError('VEC_ERR_CONTRACT_INVALID', `Route ${where}: ${reason}.`)
}

let arkModule: typeof import('arktype') | undefined

/**
 * arktype, loaded on first use: it costs ~40 MB of memory, which an app without contracts never pays.
 * (A synchronous require of the ESM package: Node >= 20.19 supports it.)
 */
function arktype(): typeof import('arktype') {
  return (arkModule ??= createRequire(import.meta.url)('arktype') as typeof import('arktype'))
}

/** An arktype Type, also one from another copy of arktype (same vendor, same methods). */
function isArkType(value: unknown): value is Type {
  if (value instanceof arktype().Type) return true
  if (typeof value !== 'function') return false
  const v = value as unknown as { '~standard'?: { vendor?: unknown }; toJsonSchema?: unknown }
  return v['~standard']?.vendor === 'arktype' && typeof v.toJsonSchema === 'function'
}

// ---------------------------------------------------------------------------------------------------
// JSON Schema: for the OpenAPI plugin and, at compile time, for the coercion plans.

/** A part's JSON Schema; never throws. Fallbacks keep arktype's closest expressible schema and say so. */
function jsonSchemaOf(type: Type, side: 'in' | 'out'): JsonSchemaLike {
  const note = (code: string): string => `vectora: approximated, arktype cannot express this ${code} in JSON Schema`
  try {
    const schema = type[side].toJsonSchema({
      target: 'draft-2020-12',
      dialect: null,
      fallback: {
        // JSON.stringify sends a Date as its ISO string.
        date: (ctx) => ({ ...ctx.base, type: 'string', format: 'date-time' }),
        default: (ctx) => ({ ...ctx.base, $comment: note(ctx.code) }),
      },
    }) as JsonSchemaLike
    // The output of a morph is opaque unless it is piped into a Type: arktype says `{}` without a word.
    if (side === 'out' && Object.keys(schema).length === 0) schema.$comment = `${note('morph output')} (pipe it into a Type)`
    return schema
  } catch (error) {
    return { $comment: `${note('type')}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }
  }
}

/** The object schemas a part may match (a union of objects gives several); null when it is never an object. */
function objectBranches(schema: JsonSchemaLike): JsonSchemaLike[] | null {
  const type = schema.type
  if (type === 'object') return [schema]
  const alternatives = [schema.anyOf, schema.oneOf, schema.allOf].filter(Array.isArray) as JsonSchemaLike[][]
  if (alternatives.length > 0) {
    const branches = alternatives.flat().map(objectBranches)
    return branches.every((b) => b === null) ? null : branches.flatMap((b) => b ?? [])
  }
  // No type at all (`{}`, `$ref`, an approximation): anything goes, nothing to check or coerce.
  if (type === undefined) return []
  return Array.isArray(type) && type.includes('object') ? [schema] : null
}

function declaredKeys(branches: readonly JsonSchemaLike[]): string[] {
  const keys = new Set<string>()
  for (const branch of branches) {
    const properties = branch.properties
    if (typeof properties === 'object' && properties !== null) for (const key of Object.keys(properties)) keys.add(key)
    if (Array.isArray(branch.required)) for (const key of branch.required) if (typeof key === 'string') keys.add(key)
  }
  return [...keys]
}

function planOf(branches: readonly JsonSchemaLike[], keys: readonly string[]): KeyPlan[] {
  const plan: KeyPlan[] = []
  for (const key of keys) {
    const kinds = new Set<string>()
    const items: unknown[] = []
    for (const branch of branches) {
      const properties = branch.properties as Record<string, unknown> | undefined
      if (properties !== undefined && Object.hasOwn(properties, key)) kindsOf(properties[key], kinds, items)
    }
    const scalar = scalarOf(kinds)
    const wrap = scalar === null && kinds.has('array') && !kinds.has('string') && !kinds.has('any')
    const itemKinds = new Set<string>()
    for (const item of items) kindsOf(item, itemKinds, [])
    const item = items.length === 0 ? null : scalarOf(itemKinds)
    if (scalar !== null || wrap || item !== null) plan.push({ key, scalar, wrap, item })
  }
  return plan
}

/** Adds the JSON types `schema` accepts to `kinds` ('any' when it cannot tell) and its array item schemas to `items`. */
function kindsOf(schema: unknown, kinds: Set<string>, items: unknown[]): void {
  if (typeof schema !== 'object' || schema === null) {
    if (schema !== false) kinds.add('any')
    return
  }
  const s = schema as JsonSchemaLike
  const alternatives = [s.anyOf, s.oneOf].filter(Array.isArray) as unknown[][]
  if (alternatives.length > 0) {
    for (const alternative of alternatives.flat()) kindsOf(alternative, kinds, items)
    return
  }
  if ('const' in s) {
    kinds.add(jsonKind(s.const))
    return
  }
  if (Array.isArray(s.enum)) {
    for (const value of s.enum) kinds.add(jsonKind(value))
    return
  }
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : null
  if (types === null) {
    kinds.add('any')
    return
  }
  for (const type of types) {
    kinds.add(type === 'integer' ? 'number' : String(type))
    // A tuple (prefixItems) is not coerced element-wise.
    if (type === 'array') items.push(s.items === undefined || s.prefixItems !== undefined ? true : s.items)
  }
}

function jsonKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

/** Numbers/booleans a string may become; null when strings are accepted as they are (or nothing applies). */
function scalarOf(kinds: ReadonlySet<string>): Scalar | null {
  if (kinds.has('string') || kinds.has('any')) return null
  const number = kinds.has('number')
  const boolean = kinds.has('boolean')
  return number || boolean ? { number, boolean } : null
}

// ---------------------------------------------------------------------------------------------------
// Per request: coercion and issues.

/** Applies the plan; copies `values` only when something changes (keeping a null prototype). */
function coerce(values: Record<string, unknown>, plan: readonly KeyPlan[]): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined
  for (const step of plan) {
    if (!Object.hasOwn(values, step.key)) continue
    const value = values[step.key]
    const coerced = coerceValue(value, step)
    if (coerced !== value) {
      // Object.assign into a null-prototype object defines `__proto__` as a plain key (no prototype change).
      if (copy === undefined) {
        copy = Object.getPrototypeOf(values) === null ? Object.assign(Object.create(null) as Record<string, unknown>, values) : { ...values }
      }
      copy[step.key] = coerced
    }
  }
  return copy ?? values
}

function coerceValue(value: unknown, step: KeyPlan): unknown {
  if (typeof value === 'string') {
    if (step.scalar !== null) return coerceScalar(value, step.scalar)
    if (step.wrap) return [step.item === null ? value : coerceScalar(value, step.item)]
    return value
  }
  if (Array.isArray(value) && step.item !== null) {
    const item = step.item
    let changed = false
    const out = value.map((element: unknown) => {
      const c = typeof element === 'string' ? coerceScalar(element, item) : element
      if (c !== element) changed = true
      return c
    })
    return changed ? out : value
  }
  return value
}

/** `"12"`/`"-1.5e3"` -> number; `"true"`/`"false"` (and `"1"`/`"0"` when numbers are not accepted) -> boolean; else unchanged. */
function coerceScalar(value: string, scalar: Scalar): unknown {
  if (scalar.number && NUMERIC.test(value)) {
    const n = Number(value)
    if (Number.isFinite(n)) return n
  }
  if (scalar.boolean) {
    if (value === 'true' || (!scalar.number && value === '1')) return true
    if (value === 'false' || (!scalar.number && value === '0')) return false
  }
  return value
}

/** Appends one issue per failing value (intersections flattened into their constituents). */
function collectIssues(errors: ArkErrors, part: ContractPart, into: ValidationIssue[]): ValidationIssue[] {
  for (const error of errors) for (const flat of error.flat) into.push(toIssue(flat, part))
  return into
}

function toIssue(error: ArkError, part: ContractPart): ValidationIssue {
  const path = pathOf(error.path)
  let expected = error.expected
  if (error.hasCode('union')) {
    // arktype's union `expected` is a sentence (`a must be "x" or "y" (was "z")`); keep its middle when
    // every branch failed at this one path (else the sentence names several paths: keep it whole).
    const head = error.propString === '' ? 'must be ' : `${error.propString} must be `
    const tail = error.actual === '' ? '' : ` (was ${error.actual})`
    if (expected.startsWith(head) && expected.endsWith(tail) && expected.length > head.length + tail.length) {
      expected = expected.slice(head.length, expected.length - tail.length)
    }
  }
  const actual = actualOf(error)
  let message = error.message
  // arktype writes `value at ["x-api-key"] must ...`; the issue path is `x-api-key`.
  for (const prefix of [`value at ${error.propString} `, `${error.propString} `]) {
    if (error.propString !== '' && message.startsWith(prefix)) {
      message = `${path} ${message.slice(prefix.length)}`
      break
    }
  }
  const was = ` (was ${error.actual})`
  if (actual !== error.actual && message.endsWith(was)) message = `${message.slice(0, -was.length)} (was ${actual})`
  if (path === '' && message.startsWith('must ')) message = `${part} ${message}`
  return { in: part, path, expected, actual, message }
}

/** `a.b[0]`; keys that are not plain names (hyphens allowed: `x-api-key`) are quoted: `["a.b"]`. */
function pathOf(segments: readonly PropertyKey[]): string {
  let path = ''
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${typeof segment === 'string' ? JSON.stringify(segment) : String(segment)}]`
  }
  return path
}

function actualOf(error: ArkError): string {
  let data: unknown = error.data
  // `required` errors carry the parent object as data; arktype's `missing` says it all.
  if (error.code === 'required' || (error.actual !== '' && !DESCRIPTION.test(error.actual))) return error.actual
  if (error.actual === '' && typeof data === 'object' && data !== null) {
    // Some errors (an undeclared key under "+": "reject") carry the parent object: show the value at the key.
    const key = error.path[error.path.length - 1]
    if (key !== undefined && Object.hasOwn(data, key)) data = (data as Record<PropertyKey, unknown>)[key]
  }
  if (typeof data === 'string') return JSON.stringify(data.length > 60 ? data.slice(0, 60) + '…' : data)
  if (typeof data === 'number' || typeof data === 'boolean' || data === null) return String(data)
  if (typeof data === 'bigint') return `${data}n`
  if (error.actual !== '') return error.actual
  if (data === undefined) return 'undefined'
  return Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'an object' : `a ${typeof data}`
}

/** The `detail` tail: up to three messages, then a count. */
function summarize(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => (i.path === '' ? i.message : `${i.in}: ${i.message}`))
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : ''
  return `${shown.join('; ')}${more}.`
}

/** The HttpError of a failed contract: `errors` is both a problem extension member and a typed property. */
function contractError(code: 'VEC_ERR_VALIDATION' | 'VEC_ERR_RESPONSE_INVALID', detail: string, issues: ValidationIssue[]): ContractError {
  const errors = Object.freeze(issues)
  const error = httpError(code, detail, { extensions: { errors } })
  Object.defineProperty(error, 'errors', { value: errors, enumerable: true })
  return error as ContractError
}
