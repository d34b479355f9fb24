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

/** What one policy brings to a reply: its RateLimit-Policy item and, when it counted the request, its decision. */
export interface AppliedPolicy {
  readonly name: string
  readonly item: string
  readonly decision?: RateLimitDecision
}

/**
 * The policy whose `RateLimit` value a client should act on when several apply to a request: the one that
 * refused it (its `t` is the 429's Retry-After), else the one with the fewest requests remaining, ties going to
 * the later reset (the one the client waits longest for). Policies that did not count the request are skipped;
 * undefined when none did. Earlier policies win exact ties, so the answer does not depend on object identity.
 *
 * @example
 * strictest([
 *   { name: 'global', item: '"global";q=100;w=60', decision: { allowed: true, remaining: 97, reset: 1, retryAfter: 0 } },
 *   { name: 'login', item: '"login";q=5;w=60', decision: { allowed: true, remaining: 2, reset: 12, retryAfter: 0 } },
 * ])!.name // 'login'
 */
export function strictest<P extends AppliedPolicy>(policies: readonly P[]): P | undefined {
  let best: P | undefined
  for (const p of policies) {
    const d = p.decision
    if (d === undefined) continue
    const b = best?.decision
    if (
      b === undefined ||
      (!d.allowed && b.allowed) ||
      (d.allowed === b.allowed && (d.remaining < b.remaining || (d.remaining === b.remaining && d.reset > b.reset)))
    )
      best = p
  }
  return best
}

/** The value of list field `name` on `reply`, repeated lines joined with ', ' (their list meaning), or undefined. */
export function listField(reply: Reply, name: string): string | undefined {
  let joined: string | undefined
  for (const [field, value] of reply.headerList) if (field === name) joined = joined === undefined ? value : `${joined}, ${value}`
  return joined
}
