/** @module contracts/issues — arktype errors as the `errors` list of a 400 problem+json (path, expected, actual, message). */
import type { ArkError, ArkErrors } from 'arktype'
import { httpError } from '../http/errors.js'
import type { ContractError, ContractPart, ValidationIssue } from './types.js'

// arktype's `actual` for a domain mismatch describes the type ("a string"); the value itself says more.
const DESCRIPTION = /^(an? )?(string|number|bigint|boolean|null)$/
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/

/**
 * arktype's errors as the core's validation issues (`{ in, path, expected, actual, message }`, docs/contracts.md#errors),
 * for a plugin that checks values with an arktype Type itself (a form's fields) and answers as a contract does.
 *
 * @example
 * const result = Signup['~standard'].validate(fields)
 * if (result.issues) throw validationError('POST /signup', validationIssues(result.issues, 'body'))
 */
export function validationIssues(errors: ArkErrors, part: ContractPart): ValidationIssue[] {
  return collectIssues(errors, part, [])
}

/**
 * The 400 VEC_ERR_VALIDATION a failed contract answers, for `issues` of the request for `where` (`POST /signup`):
 * the same detail (`Invalid request for POST /signup: ...`, three issues then a count) and `errors` member.
 *
 * @example
 * throw validationError('POST /signup', issues)
 */
export function validationError(where: string, issues: ValidationIssue[]): ContractError {
  return contractError('VEC_ERR_VALIDATION', `Invalid request for ${where}: ${summarize(issues)}`, issues)
}

/** Appends one issue per failing value (intersections flattened into their constituents). */
export function collectIssues(errors: ArkErrors, part: ContractPart, into: ValidationIssue[]): ValidationIssue[] {
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
export function summarize(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => (i.path === '' ? i.message : `${i.in}: ${i.message}`))
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : ''
  return `${shown.join('; ')}${more}.`
}

/** The HttpError of a failed contract: `errors` is both a problem extension member and a typed property. */
export function contractError(code: 'VEC_ERR_VALIDATION' | 'VEC_ERR_RESPONSE_INVALID', detail: string, issues: ValidationIssue[]): ContractError {
  const errors = Object.freeze(issues)
  const error = httpError(code, detail, { extensions: { errors } })
  Object.defineProperty(error, 'errors', { value: errors, enumerable: true })
  return error as ContractError
}
