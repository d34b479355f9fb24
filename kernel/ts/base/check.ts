/**
 * @module base/check — the small checks every layer uses: describing a value for a message, option
 * validation (VEC_ERR_INVALID_OPTION), and telling a thenable.
 */
import { VectoraError } from './catalogue.js'

const MAX = Number.MAX_SAFE_INTEGER

/**
 * Short, safe description of a value for error messages.
 *
 * @example
 * describe({}) // 'an object'
 * describe('x') // '"x"'
 */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'function') return 'a function'
  return `${typeof value} ${String(value)}`
}

/**
 * A VEC_ERR_INVALID_OPTION error naming the option, the expected type and what was given.
 *
 * @example
 * throw invalid('port', 'an integer from 0 to 65535', '80')
 */
export function invalid(name: string, expected: string, got: unknown): VectoraError {
  return new VectoraError('VEC_ERR_INVALID_OPTION', `Option "${name}" must be ${expected} (got ${describe(got)}).`)
}

/**
 * Throws VEC_ERR_INVALID_OPTION unless `value` is an integer in [min, max]; returns it.
 *
 * @example
 * checkInteger('bodyLimit', 1024, 0) // 1024
 */
export function checkInteger(name: string, value: unknown, min: number, max: number = MAX): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === MAX ? `>= ${min}` : `from ${min} to ${max}`
    throw invalid(name, `an integer ${range}`, value)
  }
  return value
}

/**
 * True for a promise or any object/function with a `then` method (what `await` would adopt).
 *
 * @example
 * isThenable(Promise.resolve(1)) // true
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return ((typeof value === 'object' && value !== null) || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
}
