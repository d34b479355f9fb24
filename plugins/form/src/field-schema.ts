/**
 * @module @vectora/form/field-schema — the `schema` of `readForm(req, { schema })`: form fields coerced (for
 * arktype Types) and validated, a failure answered like the core's body contract: 400 VEC_ERR_VALIDATION whose
 * `errors` list every failing field as `{ in: 'body', path, expected, actual, message }`
 * (docs/contracts.md#errors).
 *
 * Any Standard Schema works (arktype, zod, valibot...); arktype Types also get the query coercion and the
 * core's issue wording (expected / actual from arktype's errors), others their own messages.
 */
import { type ContractError, stringCoercion, type ValidationIssue, validationError, validationIssues } from 'vectora'
import type { FormFields } from './types.js'

/** The result of a Standard Schema's `validate`. */
type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> }

/**
 * A schema for the fields of a form: a Standard Schema (https://standardschema.dev) — an arktype Type, or a zod
 * or valibot schema. Define it once, at module load.
 *
 * @example
 * const Signup = type({ email: 'string.email', age: 'number.integer >= 18', 'tags?': 'string[]' }) // a FieldSchema
 */
export interface FieldSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined
  }
}

/**
 * The validated fields of a schema (what `readForm` gives back with it).
 *
 * @example
 * type Fields = InferFields<typeof Signup> // { email: string; age: number; tags?: string[] }
 */
export type InferFields<S> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly output: infer O }
    ? O
    : unknown
  : unknown

/** The HttpError of fields that fail their schema (the core's contract error): `errors` is a problem member and a property. */
export type FieldsError = ContractError

/** How the fields of one schema are coerced (the core's query coercion, `stringCoercion`). */
type FieldCoercion = (fields: FormFields) => Record<string, unknown>

const coercions = new WeakMap<object, FieldCoercion>()

/**
 * Coerces and validates `fields` against `schema`; resolves the validated value (after morphs). Throws 400
 * VEC_ERR_VALIDATION listing every failing field; `where` (`POST /signup`) goes in the detail, as the core's does.
 *
 * @example
 * await validateFields(type({ age: 'number' }), { age: 'x' }, 'POST /signup') // throws VEC_ERR_VALIDATION
 */
export async function validateFields<S extends FieldSchema>(schema: S, fields: FormFields, where: string): Promise<InferFields<S>> {
  const standard = schema['~standard']
  const arktype = standard.vendor === 'arktype'
  const input = arktype ? coercionOf(schema)(fields) : fields
  const result = await standard.validate(input)
  if (result.issues === undefined) return result.value as InferFields<S>
  // arktype's errors in the core's words (the issues a route contract gives); another schema's as it words them.
  const issues = arktype ? validationIssues(result.issues as Parameters<typeof validationIssues>[0], 'body') : result.issues.map(fromStandard)
  throw validationError(where, issues)
}

/**
 * Whether `value` can be a `schema`: a Standard Schema (an object or function with a `~standard.validate`).
 *
 * @example
 * isFieldSchema(type({ a: 'string' })) // true; isFieldSchema({ a: 'string' }) // false
 */
export function isFieldSchema(value: unknown): value is FieldSchema {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false
  const standard = (value as { '~standard'?: { validate?: unknown } })['~standard']
  return typeof standard === 'object' && standard !== null && typeof standard.validate === 'function'
}

function coercionOf(schema: object): FieldCoercion {
  let coercion = coercions.get(schema)
  if (coercion === undefined) {
    coercion = stringCoercion(schema as Parameters<typeof stringCoercion>[0]) as FieldCoercion
    coercions.set(schema, coercion)
  }
  return coercion
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/

/** Another Standard Schema's issue: its path and message; what was expected and received is in the message. */
function fromStandard(issue: {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}): ValidationIssue {
  const path = pathOf((issue.path ?? []).map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment)))
  return { in: 'body', path, expected: '', actual: '', message: path === '' ? issue.message : `${path}: ${issue.message}` }
}

/** `a.b[0]`; keys that are not plain names are quoted: `["a.b"]`. */
function pathOf(segments: readonly PropertyKey[]): string {
  let path = ''
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${typeof segment === 'string' ? JSON.stringify(segment) : String(segment)}]`
  }
  return path
}
