/**
 * @module @vectora/form/urlencoded — `application/x-www-form-urlencoded` bodies: read whole (under the route's
 * bodyLimit), parsed with URLSearchParams rules, repeated names gathered into arrays, the limits checked.
 */
import type { VectoraRequest } from 'vectora'
import { formError } from './errors.js'
import type { ResolvedLimits } from './options.js'
import type { FormFields } from './types.js'

/**
 * The fields of a urlencoded body. `+` is a space, percent escapes are decoded as utf-8 (a malformed escape is
 * kept as written, bytes that are no utf-8 become U+FFFD, as URLSearchParams does); a name sent twice gives an array in the order sent.
 *
 * @example
 * await readUrlencoded(req, DEFAULT_LIMITS) // 'a=1&b=x+y&a=2' -> { a: ['1', '2'], b: 'x y' }
 */
export async function readUrlencoded(req: VectoraRequest<any>, limits: ResolvedLimits): Promise<FormFields> {
  const body = await req.buffer()
  return parseUrlencoded(body.toString('utf8'), limits)
}

/**
 * The fields of urlencoded `text`, in a null-prototype object (`__proto__` is a field like any other).
 * Throws 413 FORM_TOO_MANY_FIELDS or FORM_FIELD_TOO_LARGE past the limits.
 *
 * @example
 * parseUrlencoded('tag=a&tag=b', DEFAULT_LIMITS) // { tag: ['a', 'b'] }
 */
export function parseUrlencoded(text: string, limits: ResolvedLimits): FormFields {
  const fields: FormFields = Object.create(null)
  let count = 0
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > limits.fields) {
      throw formError('FORM_TOO_MANY_FIELDS', `The form has more than ${limits.fields} fields; send at most ${limits.fields}.`)
    }
    if (value.length > limits.fieldSize / 3 && Buffer.byteLength(value) > limits.fieldSize) throw fieldTooLarge(name, limits)
    add(fields, name, value)
  }
  return fields
}

/** Adds one value: the first as a string, then an array in the order sent. */
export function add(fields: FormFields, name: string, value: string): void {
  const previous = fields[name]
  if (previous === undefined) fields[name] = value
  else if (typeof previous === 'string') fields[name] = [previous, value]
  else previous.push(value)
}

/** The 413 of a field value past `fieldSize`. */
export function fieldTooLarge(name: string, limits: ResolvedLimits) {
  return formError('FORM_FIELD_TOO_LARGE', `The field ${JSON.stringify(name)} is larger than ${limits.fieldSize} bytes.`)
}
