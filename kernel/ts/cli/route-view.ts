/**
 * @module cli/route-view — one ready app's routes with their resolved pipelines, from the public API only
 * (`app.routes()`, `app.pipeline()`): what `vectora routes` prints and `vectora start` logs.
 */
import type { App } from '../app/create-app.js'
import type { PlanEntry } from '../pipeline/compile.js'
import { guardRequirements } from '../pipeline/guards.js'

/** The contract parts a route may declare, in the order they are checked. */
const CONTRACT_PARTS = ['params', 'query', 'headers', 'body', 'response'] as const

/** A route's guard: its name (`(anonymous)` for an unnamed function) and the plugins it declares it needs. */
export interface GuardView {
  readonly name: string
  readonly requires: readonly string[]
}

/** What the CLI shows of a route. */
export interface RouteView {
  readonly method: string
  readonly path: string
  /** Who added it: `app`, a plugin's name, or `vectora` (the health probes). */
  readonly owner: string
  /** `readiness` / `liveness` for the probes the kernel answers itself (no hook runs for them). */
  readonly probe: 'readiness' | 'liveness' | undefined
  /** The contract parts declared (`params`, `query`, `headers`, `body`, `response`). */
  readonly contract: readonly string[]
  /** The guards, enclosing groups' first, as they run (last in `authorize`, as the `vectora` · `guards` hook). */
  readonly guards: readonly GuardView[]
  /** Every hook in run order (`app.pipeline()`): empty for a route on the fast path. */
  readonly hooks: readonly PlanEntry[]
}

/**
 * Describes every route of a ready app, in registration order.
 *
 * @example
 * await app.ready()
 * for (const route of describeRoutes(app)) console.log(route.method, route.path, route.hooks.length)
 */
export function describeRoutes(app: App): RouteView[] {
  const probes = probePaths(app)
  return app.routes().map((route) => {
    const probe = route.owner === 'vectora' && route.method === 'GET' ? probes.get(route.path) : undefined
    const schema = (route.schema ?? {}) as Record<string, unknown>
    return {
      method: route.method,
      path: route.path,
      owner: route.owner,
      probe,
      contract: CONTRACT_PARTS.filter((part) => schema[part] !== undefined),
      guards: route.guards.map((guard) => ({ name: guard.name === '' ? '(anonymous)' : guard.name, requires: guardRequirements(guard) })),
      // The kernel answers the probes without entering JavaScript: no hook of the plan runs for them.
      hooks: probe === undefined ? app.pipeline(route.method, route.path) : [],
    }
  })
}

/**
 * The plugins the routes show: hook owners and route owners other than `app` and `vectora`, first seen first.
 * (A plugin that adds neither hooks nor routes, e.g. one that only provides a service, is not seen.)
 *
 * @example
 * pluginNames(describeRoutes(app)) // ['@vectora/cors', '@vectora/jwt']
 */
export function pluginNames(routes: readonly RouteView[]): string[] {
  const names = new Set<string>()
  for (const route of routes) {
    for (const name of [route.owner, ...route.hooks.map((hook) => hook.plugin)]) {
      if (name !== 'app' && name !== 'vectora') names.add(name)
    }
  }
  return [...names]
}

/** The probe paths the app's `health` option gives (docs/lifecycle.md): path -> kind. */
function probePaths(app: App): Map<string, 'readiness' | 'liveness'> {
  const paths = new Map<string, 'readiness' | 'liveness'>()
  const health = app.config.health
  if (health === false) return paths
  const ready = health.ready ?? '/health/ready'
  const live = health.live ?? '/health/live'
  if (ready !== false) paths.set(ready, 'readiness')
  if (live !== false) paths.set(live, 'liveness')
  return paths
}
