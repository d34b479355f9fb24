/**
 * @module routing/invoke — a route's handler call on the pipeline path, compiled once per route: services
 * resolved from the request scope, the handler called, `undefined` refused, and the response check of the
 * route's contract (if a step set one) applied to what it returned.
 */
import { isThenable } from '../base/check.js'
import { httpError } from '../http/errors.js'
import { jsonSourceOf, Reply } from '../http/reply.js'
import type { VectoraRequest } from '../http/request.js'
import type { Route } from './route.js'

const NO_DEPS: Record<string, never> = Object.freeze({})

/**
 * The function the pipeline runs in the handler's slot for `route`. It reads `route.checkResponse` now:
 * call it after the route steps ran (at ready).
 *
 * @example
 * const invoke = invokerOf(route)
 * const value = await invoke(req) // what to send, checked against the route's response contract
 */
export function invokerOf(route: Route): (req: VectoraRequest<any>) => unknown {
  const { inject, handler } = route
  const check = route.checkResponse
  const settle = check === undefined ? (value: unknown) => defined(value, route) : (value: unknown) => checkResponse(value, check, route)
  return (req) => {
    const value = handler(req, inject.length === 0 ? NO_DEPS : req.services.resolveAll(inject))
    return isThenable(value) ? Promise.resolve(value).then(settle) : settle(value)
  }
}

/**
 * 500 VEC_ERR_NO_RESPONSE for a handler that returned undefined; the cause names the route (logs, development).
 *
 * @example
 * if (value === undefined) throw noResponse(route)
 */
export function noResponse(route: Pick<Route, 'method' | 'path'>): Error {
  return httpError('VEC_ERR_NO_RESPONSE', undefined, {
    cause: new Error(`${route.method} ${route.path} returned undefined; return a value, or reply.empty() for 204`),
  })
}

/** The handler's value, or NO_RESPONSE for undefined (named after the route). */
function defined(value: unknown, route: Route): unknown {
  if (value === undefined) throw noResponse(route)
  return value
}

/**
 * A route's `response` contract applies to what becomes JSON: a plain value, or the value of a 2xx
 * `reply.json(...)` (re-serialized after the check, so stripped keys are gone). Text, bytes, empty
 * replies and error statuses are sent as they are.
 */
function checkResponse(value: unknown, check: (value: unknown) => unknown, route: Route): unknown {
  if (value === undefined) throw noResponse(route)
  if (value instanceof Reply) {
    const source = value.status < 300 ? jsonSourceOf(value) : undefined
    if (source !== undefined) value.json(check(source.value))
    return value
  }
  if (typeof value === 'string' || value instanceof Uint8Array) return value
  return check(value)
}
