/**
 * @module describe — what @vectora/rate-limit adds to the app's API description (`describeApi`, read by
 * @vectora/openapi): on each route of its scope, the 429 it answers past the limit with its headers, and
 * the 503 of a failing store when `onStoreError` is `'closed'`. Nothing here runs per request.
 */
import type { ApiContribution, RouteInfo } from 'vectora'

const STRING = { type: 'string' }

/** The contribution of one registration (`policyName`, `closed` = `onStoreError: 'closed'`). */
export function describeRateLimit(policyName: string, closed: boolean): ApiContribution {
  const headers = {
    RateLimit: {
      description: `The remaining quota and seconds to reset of the strictest policy (draft-ietf-httpapi-ratelimit-headers), e.g. \`"${policyName}";r=0;t=30\`.`,
      schema: STRING,
    },
    'RateLimit-Policy': { description: 'The quota policies applying to the request.', schema: STRING },
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
  }
  const responses = {
    429: { description: `Past the rate limit of policy "${policyName}" (RATE_LIMITED, problem type quota-exceeded).`, problem: true, headers },
    ...(closed && { 503: { description: 'The rate-limit store is unreachable and the limit fails closed (RATE_LIMIT_UNAVAILABLE).', problem: true } }),
  }
  return {
    operation: (route: RouteInfo) => (route.owner === 'vectora' ? undefined : { responses }),
  }
}
