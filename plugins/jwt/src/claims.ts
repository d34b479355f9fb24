/**
 * @module claims — the header and claim rules the verifier applies and the plugin's signer checks before it
 * issues a token: one definition, so the signer cannot drift into issuing tokens the verifier refuses.
 */

/**
 * Whether a token's `typ` header is the required one. RFC 7515 §4.1.9: media types may omit `application/`
 * and compare case-insensitively.
 *
 * @example
 * typMatches('application/AT+JWT', 'at+jwt') // true
 */
export function typMatches(actual: unknown, expected: string): boolean {
  if (typeof actual !== 'string') return false
  const norm = (t: string): string => t.toLowerCase().replace(/^application\//, '')
  return norm(actual) === norm(expected)
}

/**
 * Whether `iss` is one of the accepted issuers, as jsonwebtoken's `issuer` option decides it.
 *
 * @example
 * issuerAccepted('https://idp.example/', ['https://idp.example/']) // true
 */
export function issuerAccepted(iss: unknown, accepted: string | readonly string[]): boolean {
  return typeof accepted === 'string' ? iss === accepted : accepted.includes(iss as string)
}

/**
 * Whether `aud` (one value or an array) names one of the accepted audiences, as jsonwebtoken's `audience`
 * option decides it: any of the token's values equal to (or matching) any accepted one.
 *
 * @example
 * audienceAccepted(['billing', 'orders'], [/^orders$/]) // true
 */
export function audienceAccepted(aud: unknown, accepted: string | RegExp | readonly (string | RegExp)[]): boolean {
  const audiences: readonly (string | RegExp)[] = Array.isArray(accepted) ? accepted : [accepted as string | RegExp]
  const targets: readonly unknown[] = Array.isArray(aud) ? aud : [aud]
  return targets.some((t) => audiences.some((a) => (a instanceof RegExp ? a.test(t as string) : a === t)))
}
