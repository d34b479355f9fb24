/**
 * @module lifecycle/health — readiness and liveness routes that answer from the lifecycle state. An app hands
 * their paths to the kernel, which answers them itself with the same replies, ahead of queued requests and
 * without the app's hooks (docs/lifecycle.md); the routes keep the paths taken and listed in `app.routes()`.
 */
import { checkInteger, invalid } from '../base/check.js'
import { httpError } from '../http/errors.js'
import type { LifecycleState } from './lifecycle.js'

/**
 * Paths of the health routes; `false` turns one off. `health: false` in createApp() turns both off.
 *
 * @example
 * createApp({ health: { ready: '/ready', live: false } })
 */
export interface HealthOptions {
  /** Readiness: 200 while the app takes traffic, 503 while it starts and from the moment shutdown begins. Default `/health/ready`. */
  ready?: string | false
  /** Liveness: 200 until the app is closed, draining included (a failing liveness probe gets the pod killed). Default `/health/live`. */
  live?: string | false
  /** Ms between two rounds of the readiness checks services register (`app.healthCheck()`). Default 5 000. */
  interval?: number
  /** Default time one readiness check may take, ms (a check past it is down). Default 2 000. */
  timeout?: number
}

/** A health route, in the shape app.route() takes, and which probe it is. */
export interface HealthRoute {
  kind: 'ready' | 'live'
  method: 'GET'
  path: string
  handler: () => unknown
}

export const DEFAULT_READY_PATH = '/health/ready'
export const DEFAULT_LIVE_PATH = '/health/live'

const KEYS = new Set(['ready', 'live', 'interval', 'timeout'])

/** Defaults of `health.interval` and `health.timeout`, ms. */
export const DEFAULT_CHECK_INTERVAL = 5_000
export const DEFAULT_CHECK_TIMEOUT = 2_000

/**
 * The health routes for `options` (undefined = both at their default paths, false = none). `state` is read
 * on every request. Readiness answers `{ status: 'ready' }` in `ready` and `listening`, else 503 problem+json
 * VEC_ERR_NOT_READY with `retry-after: 1`; liveness answers `{ status: 'live' }` in every state but `closed`.
 * Throws VEC_ERR_INVALID_OPTION for a path that does not start with `/` or both routes on one path.
 *
 * @example
 * for (const route of healthRoutes(config.health, () => lifecycle.state)) app.route(route)
 */
export function healthRoutes(
  options: HealthOptions | false | undefined,
  state: () => LifecycleState,
  checksHealthy: () => boolean = () => true,
): HealthRoute[] {
  if (options === false) return []
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid('health', 'false or an object { ready?, live? }', options)
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key))
      throw invalid(`health.${key}`, 'not set (health takes only `ready`, `live`, `interval` and `timeout`)', (options as Record<string, unknown>)[key])
  }
  if (typeof state !== 'function') throw invalid('state', 'a function', state)
  const ready = checkPath('health.ready', options.ready, DEFAULT_READY_PATH)
  const live = checkPath('health.live', options.live, DEFAULT_LIVE_PATH)
  if (ready !== false && ready === live) throw invalid('health.live', `a path other than health.ready's`, live)

  const routes: HealthRoute[] = []
  if (ready !== false) {
    routes.push({
      kind: 'ready',
      method: 'GET',
      path: ready,
      handler: () => {
        const current = state()
        if ((current === 'ready' || current === 'listening') && checksHealthy()) return { status: 'ready' }
        throw httpError('VEC_ERR_NOT_READY', 'not ready', { headers: { 'retry-after': '1' } })
      },
    })
  }
  if (live !== false) {
    routes.push({
      kind: 'live',
      method: 'GET',
      path: live,
      handler: () => {
        if (state() !== 'closed') return { status: 'live' }
        throw httpError('VEC_ERR_SHUTTING_DOWN', 'closed')
      },
    })
  }
  return routes
}

function checkPath(name: string, value: unknown, fallback: string): string | false {
  if (value === undefined) return fallback
  if (value === false) return false
  if (typeof value !== 'string' || !value.startsWith('/')) throw invalid(name, 'false or a path starting with "/"', value)
  return value
}

/** `health.interval` and `health.timeout` after defaults; throws VEC_ERR_INVALID_OPTION when out of range. */
export function checkTimings(options: HealthOptions | false | undefined): { interval: number; timeout: number } {
  const o = options === false || options === undefined ? {} : options
  return {
    interval: o.interval === undefined ? DEFAULT_CHECK_INTERVAL : checkInteger('health.interval', o.interval, 100, 3_600_000),
    timeout: o.timeout === undefined ? DEFAULT_CHECK_TIMEOUT : checkInteger('health.timeout', o.timeout, 1, 600_000),
  }
}
