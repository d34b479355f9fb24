/** @module contracts/contract — typed route contracts: arktype Types for params, query, headers, body and response. */
import type { ArkErrors, Type } from 'arktype'
import { VectoraError } from '../base/catalogue.js'
import { describe } from '../base/check.js'
import { httpError } from '../http/errors.js'
import { coerce, declaredKeys, objectBranches, planOf, type JsonSchemaLike, type KeyPlan } from './coerce.js'
import { collectIssues, contractError, summarize, validationError } from './issues.js'
import type { Contract, ContractInput, ContractOptions, ContractOutput, ContractPart, RouteSchema, ValidationIssue } from './types.js'

const PARTS: readonly ContractPart[] = ['params', 'query', 'headers', 'body', 'response']
const REQUEST_PARTS = ['params', 'query', 'headers', 'body'] as const

interface CompiledPart {
  readonly name: (typeof REQUEST_PARTS)[number]
  readonly type: Type
  readonly plan: readonly KeyPlan[]
}

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
export function compileContract(schema: RouteSchema, where: string, paramNames: readonly string[], options: ContractOptions = {}): Contract {
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
  let bodyPlan: KeyPlan[] = []
  for (const name of REQUEST_PARTS) {
    const type = schema[name]
    if (type === undefined) continue
    let plan: KeyPlan[] = []
    if (name === 'body') {
      // Coerced only when a body reader says its values are strings (a form); a JSON body is never coerced.
      const branches = objectBranches(jsonSchemaOf(type, 'in'))
      if (branches !== null) bodyPlan = planOf(branches, declaredKeys(branches))
    } else {
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

  const needsBody = schema.body !== undefined
  const contract: Contract = {
    schema,
    needsBody,
    bodyMediaTypes: needsBody ? ['application/json', ...(options.bodyMediaTypes ?? [])] : [],
    validate(input: ContractInput): ContractOutput {
      const output: ContractOutput = {}
      let issues: ValidationIssue[] | undefined
      for (const part of parts) {
        // params, query and headers are always records; the body is coerced only when a reader of strings read it.
        const raw =
          part.plan.length > 0
            ? coerce(input[part.name] as Record<string, unknown>, part.plan)
            : part.name === 'body' && input.bodyStrings === true && bodyPlan.length > 0 && isRecord(input.body)
              ? coerce(input.body, bodyPlan)
              : input[part.name]
        const result = check(part.type, raw)
        if (result.issues !== undefined) issues = collectIssues(result.issues, part.name, issues ?? [])
        else output[part.name] = result.value
      }
      if (issues !== undefined) {
        throw validationError(where, issues)
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
    contract.validateResponse = (value: unknown): unknown => {
      const result = check(response, value)
      if (result.issues === undefined) return result.value
      // Never sent as returned: a value that breaks its contract may carry what the contract leaves out.
      const issues = collectIssues(result.issues, 'response', [])
      const detail = `The response of ${where} does not match its schema: ${summarize(issues)}`
      if (development) throw contractError('VEC_ERR_RESPONSE_INVALID', detail, issues)
      // Production: a plain 500 for the client; the mismatch goes to the error log through the cause.
      throw httpError('VEC_ERR_RESPONSE_INVALID', undefined, { cause: Object.assign(new Error(detail), { errors: issues }) })
    }
  }
  return contract
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(where: string, reason: string): never {
  throw new VectoraError('VEC_ERR_CONTRACT_INVALID', `Route ${where}: ${reason}.`)
}

/**
 * Runs `type` through its own Standard Schema `validate`, so the errors are recognised by the copy of
 * arktype that built the Type. Never `instanceof` against an arktype this module loads: under tsx (and
 * any loader that gives `import` and `require` their own module instances) that is another class, the
 * check never matches, and the error list would pass as the validated value.
 */
function check(type: Type, value: unknown): { value: unknown; issues?: undefined } | { issues: ArkErrors } {
  const result = type['~standard'].validate(value) as { value?: unknown; issues?: ArkErrors }
  return result.issues !== undefined ? { issues: result.issues } : { value: result.value }
}

/** An arktype Type, from whichever copy of arktype the app uses (same vendor, same methods). */
function isArkType(value: unknown): value is Type {
  if (typeof value !== 'function') return false
  const v = value as unknown as { '~standard'?: { vendor?: unknown }; toJsonSchema?: unknown }
  return v['~standard']?.vendor === 'arktype' && typeof v.toJsonSchema === 'function'
}

// ---------------------------------------------------------------------------------------------------
// JSON Schema: for the OpenAPI plugin and, at compile time, for the coercion plans.

/**
 * The JSON Schema (draft 2020-12, no `$schema`: ready for OpenAPI 3.1) of an arktype Type, input or output
 * side, with the fallbacks every contract uses: a Date is its ISO string, what JSON Schema cannot say keeps
 * arktype's closest schema with a `$comment`, at worst `{ $comment }`. Never throws. A fresh object per call.
 *
 * @example
 * toJsonSchema(type({ at: 'Date' })) // { type: 'object', properties: { at: { type: 'string', format: 'date-time' } }, required: ['at'] }
 */
export function toJsonSchema(type: Type, side: 'in' | 'out' = 'out'): Record<string, unknown> {
  return jsonSchemaOf(type, side)
}

/**
 * The coercion a contract applies to values that arrive as strings (a query; a form's fields, with a body reader
 * of `strings: true`), for a plugin that validates such values itself: top-level keys become numbers or booleans
 * where `type` wants one and no string, a single value becomes `[value]` where it wants an array only
 * (docs/contracts.md#coercion). Computed once; the identity when `type` is not an object or needs nothing.
 *
 * @example
 * const coerce = stringCoercion(type({ age: 'number', 'tags?': 'string[]' }))
 * coerce({ age: '42', tags: 'a' }) // { age: 42, tags: ['a'] }
 */
export function stringCoercion(type: Type): (values: Record<string, unknown>) => Record<string, unknown> {
  const branches = objectBranches(jsonSchemaOf(type, 'in'))
  const plan = branches === null ? [] : planOf(branches, declaredKeys(branches))
  return plan.length === 0 ? (values) => values : (values) => coerce(values, plan)
}

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
