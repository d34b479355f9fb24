/**
 * @module @vectora/helmet/referrer-policy — the `referrerPolicy` option: one token of the W3C Referrer Policy spec, or
 * a list of them (browsers use the last one they know, so older ones can be given first as fallbacks).
 */
import { HelmetError, show } from './errors.js'
import { SHARED } from './presets.js'
import { closestName } from 'vectora'

/**
 * A referrer policy token (W3C Referrer Policy, §3).
 *
 * @example
 * const policy: ReferrerPolicyToken = 'strict-origin-when-cross-origin'
 */
export type ReferrerPolicyToken =
  | 'no-referrer'
  | 'no-referrer-when-downgrade'
  | 'same-origin'
  | 'origin'
  | 'strict-origin'
  | 'origin-when-cross-origin'
  | 'strict-origin-when-cross-origin'
  | 'unsafe-url'

const TOKENS: readonly ReferrerPolicyToken[] = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]

/**
 * The header value. Throws HelmetError HELMET_REFERRER_POLICY_INVALID naming the token.
 *
 * @example
 * resolveReferrerPolicy(true) // 'no-referrer'
 * resolveReferrerPolicy(['no-referrer', 'strict-origin-when-cross-origin']) // 'no-referrer, strict-origin-when-cross-origin'
 */
export function resolveReferrerPolicy(option: true | ReferrerPolicyToken | readonly ReferrerPolicyToken[]): string {
  if (option === true) return SHARED.referrerPolicy
  const tokens: readonly unknown[] = typeof option === 'string' ? [option] : Array.isArray(option) ? option : [option]
  if (tokens.length === 0) {
    throw new HelmetError('HELMET_REFERRER_POLICY_INVALID', 'referrerPolicy is an empty list; give a token, or false to send no Referrer-Policy.')
  }
  const seen = new Set<string>()
  for (const token of tokens) {
    if (typeof token !== 'string' || !(TOKENS as readonly string[]).includes(token)) {
      const near = typeof token === 'string' ? closestName(token, TOKENS) : undefined
      throw new HelmetError(
        'HELMET_REFERRER_POLICY_INVALID',
        `referrerPolicy: ${show(token)} is not a referrer policy${near === undefined ? '' : ` (did you mean "${near}"?)`}; ` +
          `the tokens are ${TOKENS.join(', ')}.`,
      )
    }
    if (seen.has(token)) throw new HelmetError('HELMET_REFERRER_POLICY_INVALID', `referrerPolicy lists "${token}" twice.`)
    seen.add(token)
  }
  return [...seen].join(', ')
}
