/**
 * @module @vectora/form/field-schema — the `schema` of `readForm(req, { schema })`: form fields coerced (for
 * arktype Types) and validated, a failure answered like the core's body contract: 400 VEC_ERR_VALIDATION whose
 * `errors` list every failing field as `{ in: 'body', path, expected, actual, message }`
 * (docs/contracts.md#errors).
 *
 * Any Standard Schema works (arktype, zod, valibot...); arktype Types also get the query coercion and the
 * core's issue wording (expected / actual from arktype's errors), others their own messages.
 */
import { httpError, type HttpError, stringCoercion, type ValidationIssue } from 'vectora'
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

/** The HttpError of fields that fail their schema: `errors` is a problem member and a property. */
export interface FieldsError extends HttpError {
  readonly errors: readonly ValidationIssue[]
}

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
  const issues: ValidationIssue[] = []
  for (const issue of result.issues) {
    const flat = arktype ? (issue as { flat?: unknown }).flat : undefined
    if (Array.isArray(flat)) for (const error of flat) issues.push(fromArktype(error as ArkLike))
    else issues.push(fromStandard(issue))
  }
  throw fieldsError(issues, where)
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

function fieldsError(issues: ValidationIssue[], where: string): FieldsError {
  const errors = Object.freeze(issues)
  const shown = issues.slice(0, 3).map((i) => (i.path === '' ? i.message : `body: ${i.message}`))
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : ''
  const error = httpError('VEC_ERR_VALIDATION', `Invalid request for ${where}: ${shown.join('; ')}${more}.`, { extensions: { errors } })
  Object.defineProperty(error, 'errors', { value: errors, enumerable: true })
  return error as FieldsError
}

/** What this module reads of an arktype error (one of `ArkErrors[i].flat`). */
interface ArkLike {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly propString: string
  readonly expected: string
  readonly actual: string
  readonly message: string
  readonly data: unknown
}

// arktype's `actual` for a domain mismatch describes the type ("a string"); the value itself says more.
const DESCRIPTION = /^(an? )?(string|number|bigint|boolean|null)$/
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/

/** An arktype error in the core's words (kernel/ts/contracts/issues.ts does the same for route contracts). */
function fromArktype(error: ArkLike): ValidationIssue {
  const path = pathOf(error.path)
  let expected = error.expected
  if (error.code === 'union') {
    // arktype's union `expected` is a sentence (`a must be "x" or "y" (was "z")`): keep its middle.
    const head = error.propString === '' ? 'must be ' : `${error.propString} must be `
    const tail = error.actual === '' ? '' : ` (was ${error.actual})`
    if (expected.startsWith(head) && expected.endsWith(tail) && expected.length > head.length + tail.length) {
      expected = expected.slice(head.length, expected.length - tail.length)
    }
  }
  const actual = actualOf(error)
  let message = error.message
  for (const prefix of [`value at ${error.propString} `, `${error.propString} `]) {
    if (error.propString !== '' && message.startsWith(prefix)) {
      message = `${path} ${message.slice(prefix.length)}`
      break
    }
  }
  const was = ` (was ${error.actual})`
  if (actual !== error.actual && message.endsWith(was)) message = `${message.slice(0, -was.length)} (was ${actual})`
  if (path === '' && message.startsWith('must ')) message = `body ${message}`
  return { in: 'body', path, expected, actual, message }
}

function actualOf(error: ArkLike): string {
  let data = error.data
  if (error.code === 'required' || (error.actual !== '' && !DESCRIPTION.test(error.actual))) return error.actual
  if (error.actual === '' && typeof data === 'object' && data !== null) {
    const key = error.path[error.path.length - 1]
    if (key !== undefined && Object.hasOwn(data, key)) data = (data as Record<PropertyKey, unknown>)[key]
  }
  if (typeof data === 'string') return JSON.stringify(data.length > 60 ? data.slice(0, 60) + '…' : data)
  if (typeof data === 'number' || typeof data === 'boolean' || data === null) return String(data)
  if (error.actual !== '') return error.actual
  if (data === undefined) return 'undefined'
  return Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'an object' : `a ${typeof data}`
}

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
