/** @module contracts/coerce — how path params, query and header strings become the numbers and booleans a contract asks for. */

/** A JSON Schema object, loosely typed. */
export type JsonSchemaLike = Record<string, unknown>

const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/

/** What a string may become at one key. */
export interface Scalar {
  readonly number: boolean
  readonly boolean: boolean
}
/** How to coerce one top-level key, computed at compile time from the part's JSON Schema. */
export interface KeyPlan {
  readonly key: string
  /** Coercion of a single string, when the key accepts numbers/booleans but no strings. */
  readonly scalar: Scalar | null
  /** A single string becomes `[string]` (the key wants an array only). */
  readonly wrap: boolean
  /** Coercion of each array element. */
  readonly item: Scalar | null
}

/** The object schemas a part may match (a union of objects gives several); null when it is never an object. */
export function objectBranches(schema: JsonSchemaLike): JsonSchemaLike[] | null {
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

export function declaredKeys(branches: readonly JsonSchemaLike[]): string[] {
  const keys = new Set<string>()
  for (const branch of branches) {
    const properties = branch.properties
    if (typeof properties === 'object' && properties !== null) for (const key of Object.keys(properties)) keys.add(key)
    if (Array.isArray(branch.required)) for (const key of branch.required) if (typeof key === 'string') keys.add(key)
  }
  return [...keys]
}

export function planOf(branches: readonly JsonSchemaLike[], keys: readonly string[]): KeyPlan[] {
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
export function coerce(values: Record<string, unknown>, plan: readonly KeyPlan[]): Record<string, unknown> {
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
