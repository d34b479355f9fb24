/**
 * @module @vectora/openapi/schema — JSON Schema (2020-12) as OpenAPI 3.1 embeds it: arktype Types converted with
 * the framework's fallbacks (vectora's `toJsonSchema`, what contracts use), `$defs` hoisted into `components.schemas`, object parts split into parameters, and
 * the absent-body branch of an optional body dropped.
 */
import type { Type } from 'arktype'
import { toJsonSchema } from 'vectora'

/** A JSON Schema object, as arktype and the contracts produce it. */
export type JsonSchema = Record<string, unknown>

const REF_PREFIX = '#/$defs/'
const COMPONENT_NAME = /[^A-Za-z0-9._-]/g

/**
 * The JSON Schema of an arktype Type that is not a route contract part (`docs.responses[status].schema`), with
 * the fallbacks `contract.toJsonSchema()` applies: a Date is its ISO string, anything else JSON Schema cannot
 * say keeps its closest schema with a `$comment`, at worst `{ $comment }`. Never throws.
 *
 * @example
 * typeToJsonSchema(type({ error: 'string' })) // { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] }
 */
export function typeToJsonSchema(type: Type, side: 'in' | 'out' = 'out'): JsonSchema {
  return toJsonSchema(type, side)
}

/**
 * The named schemas of the document (`components.schemas`). arktype writes recursive types with `$defs` and
 * `#/$defs/...` references; inside an OpenAPI document those would resolve against the document's root, where
 * there is no `$defs`. `embed()` moves them here and rewrites the references.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema>

  /** `initial`: the schemas the document always has (copied), whose names embedded ones never take. */
  constructor(initial: Readonly<Record<string, JsonSchema>> = {}) {
    this.schemas = structuredClone({ ...initial })
  }

  /**
   * `schema` ready to embed: its `$defs` moved to `components.schemas` under `name`, `name_2`, ... (in their
   * order; names taken by the document's own schemas get a further suffix), every `#/$defs/x` rewritten to
   * `#/components/schemas/<name>`. Names come from the operation (`getTreeResponse`), not from arktype's
   * internal ids, so they stay put when other routes change. Returns a copy when there was something to move.
   *
   * @example
   * components.embed({ $ref: '#/$defs/node12', $defs: { node12: { ... } } }, 'getTreeResponse') // { $ref: '#/components/schemas/getTreeResponse' }
   */
  embed(schema: JsonSchema, name: string): JsonSchema {
    if (schema.$defs === null || typeof schema.$defs !== 'object') return schema
    const { $defs, ...rest } = schema
    const defs = $defs as Record<string, JsonSchema>
    const base = name.replace(COMPONENT_NAME, '_')
    const names = new Map<string, string>()
    for (const def of Object.keys(defs)) {
      let candidate = names.size === 0 ? base : `${base}_${names.size + 1}`
      while (candidate in this.schemas) candidate += '_'
      names.set(def, candidate)
      this.schemas[candidate] = {} // reserved now, filled below
    }
    const copy = rewriteRefs(structuredClone({ rest, defs }), names)
    for (const [from, to] of names) this.schemas[to] = copy.defs[from]!
    return copy.rest
  }
}

/** `node` with every `#/$defs/<from>` reference pointing at `#/components/schemas/<to>` (changed in place). */
function rewriteRefs<T>(node: T, names: ReadonlyMap<string, string>): T {
  if (Array.isArray(node)) for (const item of node) rewriteRefs(item, names)
  else if (node !== null && typeof node === 'object') {
    const n = node as JsonSchema
    if (typeof n.$ref === 'string' && n.$ref.startsWith(REF_PREFIX)) {
      const name = names.get(decodePointer(n.$ref.slice(REF_PREFIX.length)))
      if (name !== undefined) n.$ref = `#/components/schemas/${name}`
    }
    for (const value of Object.values(n)) rewriteRefs(value, names)
  }
  return node
}

/** One property of an object schema, as a parameter takes it. */
export interface SchemaProperty {
  readonly name: string
  readonly schema: JsonSchema
  readonly required: boolean
}

/**
 * The properties of an object schema (params, query, headers): `required` from its `required` list. A union of
 * objects (`anyOf`) lists every branch's properties, required only when every branch requires it; a property
 * declared by several branches keeps the first branch's schema. Anything else has no properties.
 *
 * @example
 * propertiesOf({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }) // [{ name: 'id', schema: { type: 'string' }, required: true }]
 */
export function propertiesOf(schema: JsonSchema | undefined): SchemaProperty[] {
  if (schema === undefined) return []
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema]
  const found = new Map<string, { schema: JsonSchema; requiredIn: number }>()
  for (const branch of branches) {
    const properties = (branch.properties ?? {}) as Record<string, JsonSchema>
    const required = Array.isArray(branch.required) ? (branch.required as string[]) : []
    for (const [name, property] of Object.entries(properties)) {
      const entry = found.get(name) ?? { schema: property, requiredIn: 0 }
      if (required.includes(name)) entry.requiredIn++
      found.set(name, entry)
    }
  }
  return [...found].map(([name, { schema, requiredIn }]) => ({ name, schema, required: requiredIn === branches.length }))
}

/**
 * A body schema without its absent-body branch. A body that may be absent (`type(...).or('undefined')`) is
 * `requestBody.required: false`; its JSON Schema also holds the `undefined` branch, which JSON Schema cannot
 * say and the fallback turned into `{ $comment }`, a schema any value matches. A JSON body can never be
 * `undefined` (nor any other branch that is only a `$comment`: bigint, symbol, a class instance), so such
 * branches are dropped, and a lone remaining branch replaces the `anyOf`.
 *
 * @example
 * withoutAbsentBranch({ anyOf: [{ type: 'object' }, { $comment: '...unit...' }] }) // { type: 'object' }
 */
export function withoutAbsentBranch(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.anyOf)) return schema
  const kept = (schema.anyOf as JsonSchema[]).filter((branch) => !Object.keys(branch).every((key) => key === '$comment'))
  if (kept.length === 0 || kept.length === schema.anyOf.length) return schema
  const { anyOf: _, ...rest } = schema
  return kept.length === 1 && Object.keys(rest).length === 0 ? kept[0]! : { ...rest, anyOf: kept }
}

/** Whether `type` accepts `undefined` (an optional body). False when the Type cannot say. */
export function allowsUndefined(type: Type | undefined): boolean {
  try {
    return type?.allows(undefined) === true
  } catch {
    return false
  }
}

function decodePointer(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~')
}
