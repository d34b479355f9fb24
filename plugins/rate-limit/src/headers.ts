/**
 * @module headers — the draft-ietf-httpapi-ratelimit-headers fields (HTTP Structured Fields, RFC 9651):
 * `RateLimit-Policy: "<name>";q=<limit>;w=<window s>` and `RateLimit: "<name>";r=<remaining>;t=<reset s>`.
 */
import type { Reply } from 'vectora'
import type { GcraPolicy, RateLimitDecision } from './gcra.js'

/** Policy names: sf-strings restricted to characters that need no escaping and suit Redis keys. */
export const POLICY_NAME = /^[A-Za-z0-9_.-]{1,64}$/

/**
 * The RateLimit-Policy item of a policy: its quota `q` (limit) and window `w` (seconds).
 *
 * @example
 * policyItem('default', createGcraPolicy({ limit: 100, window: 60_000 })) // '"default";q=100;w=60'
 */
export function policyItem(name: string, policy: GcraPolicy): string {
  return `"${name}";q=${policy.limit};w=${policy.window / 1_000}`
}

/**
 * The RateLimit item of a decision: remaining `r` and reset `t` (seconds until more quota comes back).
 *
 * @example
 * limitItem('default', { allowed: true, remaining: 99, reset: 1, retryAfter: 0 }) // '"default";r=99;t=1'
 */
export function limitItem(name: string, decision: RateLimitDecision): string {
  return `"${name}";r=${decision.remaining};t=${decision.reset}`
}

/**
 * Adds `item` to the sf-list field `name` of `reply`: appended when another policy (another limiter on the
 * route) already set the field, so both stay visible.
 */
export function appendListField(reply: Reply, name: string, item: string): void {
  const existing = reply.headerList.filter(([field]) => field === name).map(([, value]) => value)
  reply.header(name, existing.length === 0 ? item : `${existing.join(', ')}, ${item}`)
}
