/** @module errors — PolicyError, thrown when a policy or a guard is defined wrongly (never on a request). */

/** Codes of definition-time mistakes. */
export type PolicyErrorCode = 'POLICY_INVALID' | 'POLICY_ROLE_CYCLE'

/**
 * A mistake in a policy definition, a guard or the plugin options, thrown where it is written.
 *
 * @example
 * try { definePolicy({ roles: { a: { inherits: ['a'] } } }) } catch (e) { (e as PolicyError).code } // 'POLICY_ROLE_CYCLE'
 */
export class PolicyError extends Error {
  readonly code: PolicyErrorCode

  constructor(code: PolicyErrorCode, message: string) {
    super(message)
    this.code = code
  }

  static {
    this.prototype.name = 'PolicyError'
  }
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'function') return 'a function'
  return typeof value === 'object' ? 'an object' : String(value)
}

/** A role name, action or resource type: a non-empty string; actions and types also exclude ':' and spaces. */
export function checkName(what: string, value: unknown, strict = false): asserts value is string {
  if (typeof value !== 'string' || value === '' || (strict && /[:\s]/.test(value))) {
    throw new PolicyError('POLICY_INVALID', `${what} must be a non-empty string${strict ? ' without ":" or spaces' : ''}, got ${describe(value)}.`)
  }
}
