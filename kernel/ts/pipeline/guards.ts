/**
 * @module pipeline/guards — guards: route, group and controller checks that allow (true) or forbid (false -> 403) a
 * request; defineGuard() for guards that only work with a plugin, checked once at ready, never per request.
 */
import { describe, isThenable } from '../base/check.js'
import { VectoraError } from '../base/catalogue.js'
import { httpError } from '../http/errors.js'
import type { HookEntry } from './compile.js'
import type { VectoraRequest } from '../http/request.js'

/**
 * A guard decides whether a request may reach its handler. It runs in the `authorize` phase, after
 * authentication (so `req.auth` is set), and returns true to allow, false to answer 403 problem+json
 * (VEC_ERR_FORBIDDEN), or throws an HttpError to answer with that instead.
 *
 * @example
 * const isAdmin: Guard = (req) => req.auth?.claims.role === 'admin'
 * app.delete('/users/:id', { guards: [isAdmin] }, handler)
 */
export type Guard<N extends object = {}> = ((req: VectoraRequest<any>) => boolean | Promise<boolean>) & {
  /**
   * Type only, never set: what the request is known to have once this guard allowed it (`{ auth: Auth }` for
   * an authentication guard). A route's handler gets `req` typed with it.
   */
  readonly narrows?: N
}

/** What `defineGuard(fn, options)` accepts. */
export interface GuardOptions {
  /**
   * Names of the plugins the guard needs (`'@vectora/jwt'`): each must be registered app-wide or in a group
   * enclosing every route the guard is on, or `app.ready()` fails with VEC_ERR_GUARD_PLUGIN_MISSING.
   */
  requires?: readonly string[]
  /** How to register what is missing, for the boot error (`app.register(jwt, { ... })`). */
  hint?: string
}

/**
 * Where a guard keeps what it requires. A registry symbol, not a module-private one, so a guard declared by a
 * plugin that bundles another copy of `vectora` is still checked by the app's copy.
 */
const REQUIRES = Symbol.for('vectora.guard.requires')
const OPTION_KEYS = new Set(['requires', 'hint'])
const NONE: readonly string[] = Object.freeze([])

interface Requirements {
  readonly plugins: readonly string[]
  readonly hint: string | undefined
}

/**
 * Declares the plugins a guard needs, so that a route using it without them fails at `app.ready()` (naming
 * the route, the guard and the plugin) instead of answering every request wrongly: a 401 for a caller no
 * plugin could authenticate, a 500 on the first request. Returns `fn` itself, marked: the guard runs exactly
 * as a plain function guard, and the check costs nothing per request. A guard is declared once.
 *
 * @example
 * import { defineGuard } from 'vectora'
 * export const requireTenant = defineGuard(function requireTenant(req) {
 *   return req.header('x-tenant') !== undefined
 * }, { requires: ['@acme/tenants'], hint: 'app.register(tenants, { ... })' })
 */
export function defineGuard<N extends object = {}>(fn: Guard<N>, options: GuardOptions): Guard<N> {
  const bad = (what: string): never => {
    throw new VectoraError('VEC_ERR_INVALID_OPTION', `defineGuard(): ${what}.`)
  }
  if (typeof fn !== 'function') bad(`the guard must be a function, got ${describe(fn)}`)
  if (options === null || typeof options !== 'object') bad(`options must be an object, got ${describe(options)}`)
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k))
  if (unknown.length > 0) bad(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; options are ${[...OPTION_KEYS].join(', ')}`)
  const requires = options.requires ?? []
  if (!Array.isArray(requires) || requires.some((name) => typeof name !== 'string' || name === '')) {
    bad(`requires must be an array of plugin names, got ${describe(options.requires)}`)
  }
  if (options.hint !== undefined && (typeof options.hint !== 'string' || options.hint === ''))
    bad(`hint must be a non-empty string, got ${describe(options.hint)}`)
  if (!Object.isExtensible(fn)) bad(`guard ${fn.name || '(anonymous)'} is frozen; declare it before freezing it`)
  // Redeclaring would silently change what every route already using this function requires.
  if (Object.hasOwn(fn, REQUIRES)) bad(`guard ${fn.name || '(anonymous)'} already declares its requirements; declare a new function instead`)
  const requirements: Requirements = Object.freeze({ plugins: Object.freeze([...new Set(requires)]), hint: options.hint })
  // Not enumerable, not writable: invisible to spreading and logging, and fixed once declared.
  Object.defineProperty(fn, REQUIRES, { value: requirements })
  return fn
}

/**
 * The plugins a guard declared with `defineGuard()` needs (empty for a plain function guard).
 *
 * @example
 * import { requireAuth } from '@vectora/jwt'
 * guardRequirements(requireAuth) // ['@vectora/jwt']
 */
export function guardRequirements(guard: Guard<any>): readonly string[] {
  return requirementsOf(guard)?.plugins ?? NONE
}

function requirementsOf(guard: Guard<any>): Requirements | undefined {
  return (guard as unknown as { [REQUIRES]?: Requirements })[REQUIRES]
}

/**
 * At ready, for one route: throws VEC_ERR_GUARD_PLUGIN_MISSING for the first guard that needs a plugin which
 * `registered(name)` says is not in the route's scope chain. Plain guards are skipped without a lookup.
 */
export function checkGuardRequirements(route: string, guards: readonly Guard<any>[], registered: (plugin: string) => boolean): void {
  for (const guard of guards) {
    const requirements = requirementsOf(guard)
    if (requirements === undefined) continue
    const missing = requirements.plugins.filter((name) => !registered(name))
    if (missing.length === 0) continue
    const plugins = missing.length === 1 ? `the plugin ${missing[0]}` : `the plugins ${missing.join(', ')}`
    const add = requirements.hint ?? `app.register(...) with ${missing.join(' and ')}`
    throw new VectoraError(
      'VEC_ERR_GUARD_PLUGIN_MISSING',
      `Route ${route}: guard ${guard.name || '(anonymous)'} needs ${plugins} registered app-wide or in an enclosing group; add ${add}.`,
    )
  }
}

/** Throws unless `allowed` is true: 403 VEC_ERR_FORBIDDEN for false, a TypeError for anything else. */
function judge(guard: Guard, allowed: unknown): void {
  if (allowed === true) return
  if (allowed !== false) {
    throw new TypeError(`Guard ${guard.name || '(anonymous)'} returned ${typeof allowed}; a guard returns true or false.`)
  }
  // The guard's name stays out of the public detail (it names internals); the cause carries it for logs.
  throw httpError('VEC_ERR_FORBIDDEN', undefined, { cause: new Error(`guard ${guard.name || '(anonymous)'} returned false`) })
}

/**
 * The authorize-phase hook that runs a route's guards in order: the enclosing groups' and controller's
 * first, the route's own last. Ordered after plugin authorize hooks of the same stage (registered later).
 */
export function guardHook(guards: readonly Guard[], seq: number): HookEntry {
  // Synchronous until a guard returns a thenable: plain-function guards cost no Promise.
  const run = (req: VectoraRequest<any>, from: number): undefined | Promise<undefined> => {
    for (let i = from; i < guards.length; i++) {
      const guard = guards[i]!
      const allowed = guard(req)
      if (isThenable(allowed)) return Promise.resolve(allowed).then((a) => (judge(guard, a), run(req, i + 1)))
      judge(guard, allowed)
    }
    return undefined
  }
  const fn = (req: VectoraRequest<any>): undefined | Promise<undefined> => run(req, 0)
  return { phase: 'authorize', fn, owner: 'vectora', name: 'guards', before: [], after: [], stage: 0, timeout: undefined, seq }
}
