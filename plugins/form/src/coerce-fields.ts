/**
 * @module @vectora/form/coerce-fields — form fields are strings, so before a schema checks them they are
 * coerced the way the core coerces a route's query (docs/contracts.md#coercion): a number or boolean where the
 * schema wants one and no string, a single value wrapped where it wants an array only.
 *
 * The rules are the core's, restated here because 'vectora' exports no coercion helper (kernel/ts/contracts/
 * coerce.ts is internal): the plan is computed once per schema from its JSON Schema (`toJsonSchema`, which
 * 'vectora' exports), and a request only applies it. test/coercion.test.ts pins every row of the table, so a
 * drift from the core shows there; drop this file for the core's helper once it is exported.
 */
import { toJsonSchema } from 'vectora'
import type { FormFields } from './types.js'

type JsonSchema = Record<string, unknown>

/** What a string may become. */
interface Scalar {
  readonly number: boolean
  readonly boolean: boolean
}

/** How one top-level field is coerced. */
interface FieldPlan {
  readonly key: string
  /** A single string becomes a number/boolean (the field accepts one of them and no string). */
  readonly scalar: Scalar | null
  /** A single string becomes `[string]` (the field wants an array only). */
  readonly wrap: boolean
  /** Each element of an array becomes a number/boolean. */
  readonly item: Scalar | null
}

/** The coercion of one schema: the identity when nothing needs coercing. */
export type FieldCoercion = (fields: FormFields) => Record<string, unknown>

const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/
const IDENTITY: FieldCoercion = (fields) => fields

/**
 * The coercion of `type` (an arktype Type: the input side of its JSON Schema decides). Any other schema, or one
 * that is not an object, gets the identity: its fields reach it as strings.
 *
 * @example
 * const coerce = fieldCoercion(type({ age: 'number', 'tags?': 'string[]' }))
 * coerce({ age: '42', tags: 'a' }) // { age: 42, tags: ['a'] }
 */
export function fieldCoercion(type: unknown): FieldCoercion {
  let json: JsonSchema
  try {
    json = toJsonSchema(type as Parameters<typeof toJsonSchema>[0], 'in')
  } catch {
    return IDENTITY
  }
  const branches = objectBranches(json)
  if (branches === null || branches.length === 0) return IDENTITY
  const plan = planOf(branches)
  if (plan.length === 0) return IDENTITY
  return (fields) => coerce(fields, plan)
}

/** The object schemas a schema may match (several for a union); null when it is never an object. */
function objectBranches(schema: JsonSchema): JsonSchema[] | null {
  if (schema.type === 'object') return [schema]
  const alternatives = [schema.anyOf, schema.oneOf, schema.allOf].filter(Array.isArray) as JsonSchema[][]
  if (alternatives.length > 0) {
    const branches = alternatives.flat().map(objectBranches)
    return branches.every((b) => b === null) ? null : branches.flatMap((b) => b ?? [])
  }
  if (schema.type === undefined) return []
  return Array.isArray(schema.type) && schema.type.includes('object') ? [schema] : null
}

function planOf(branches: readonly JsonSchema[]): FieldPlan[] {
  const keys = new Set<string>()
  for (const branch of branches) {
    if (typeof branch.properties === 'object' && branch.properties !== null) for (const key of Object.keys(branch.properties)) keys.add(key)
  }
  const plan: FieldPlan[] = []
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
  const s = schema as JsonSchema
  const alternatives = [s.anyOf, s.oneOf].filter(Array.isArray) as unknown[][]
  if (alternatives.length > 0) {
    for (const alternative of alternatives.flat()) kindsOf(alternative, kinds, items)
    return
  }
  if ('const' in s) return void kinds.add(jsonKind(s.const))
  if (Array.isArray(s.enum)) {
    for (const value of s.enum) kinds.add(jsonKind(value))
    return
  }
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : null
  if (types === null) return void kinds.add('any')
  for (const type of types) {
    kinds.add(type === 'integer' ? 'number' : String(type))
    // A tuple (prefixItems) is not coerced element by element.
    if (type === 'array') items.push(s.items === undefined || s.prefixItems !== undefined ? true : s.items)
  }
}

function jsonKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

function scalarOf(kinds: ReadonlySet<string>): Scalar | null {
  if (kinds.has('string') || kinds.has('any')) return null
  const number = kinds.has('number')
  const boolean = kinds.has('boolean')
  return number || boolean ? { number, boolean } : null
}

/** Applies the plan to a copy (a null-prototype one, like the fields): the read fields are never changed. */
function coerce(fields: FormFields, plan: readonly FieldPlan[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.assign(Object.create(null), fields)
  for (const step of plan) {
    if (!Object.hasOwn(fields, step.key)) continue
    const value = fields[step.key]!
    if (typeof value === 'string') {
      if (step.scalar !== null) out[step.key] = coerceScalar(value, step.scalar)
      else if (step.wrap) out[step.key] = [step.item === null ? value : coerceScalar(value, step.item)]
    } else if (step.item !== null) {
      const item = step.item
      out[step.key] = value.map((element) => coerceScalar(element, item))
    }
  }
  return out
}

/** `"12"` / `"-1.5e3"` -> number; `"true"` / `"false"` (and `"1"` / `"0"` when numbers are not accepted) -> boolean; else unchanged. */
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
