/**
 * @module host/flatten — the per-route compile at ready: each route's hooks are its scope chain's hooks (one
 * registration of each plugin configuration: the outermost), then the route steps (guards, contracts) add
 * their core hooks; a route with nothing to run keeps `pipeline = null` (the fast path).
 */
import type { Logger } from '../base/logger.js'
import type { BodyReader } from '../http/body-reader.js'
import { compilePipeline, type CompiledPipeline, type HookEntry, type HookInstrument, type Phase } from '../pipeline/compile.js'
import type { RouteStep } from '../pipeline/steps.js'
import type { Route } from '../routing/route.js'
import type { Scope } from './types.js'

/**
 * One registration of a plugin: which plugin, in which scope, and its identity from the registry (equal for
 * registrations of one configuration; a `multiple` plugin's instances with other options each have their own).
 */
export interface Registration {
  readonly plugin: string
  readonly scope: Scope
  readonly identity: string
}
export type ScopedHook = HookEntry & { scope: Scope; registration?: Registration }
/** A body reader with the scope it serves and the plugin that registered it. */
export interface ScopedBodyReader {
  readonly reader: BodyReader
  readonly scope: Scope
  readonly owner: string
}

/**
 * For a route whose scope chain holds several registrations of one configuration (a group registered it, then
 * the app did too, with the same options), only the outermost registration's hooks apply: no hook runs twice.
 * Instances of a `multiple` plugin with other options have other identities, so each of them applies.
 */
function outermostRegistrations(ordered: Map<Phase, ScopedHook[]>, chain: ReadonlySet<Scope>): Map<string, Registration> {
  const best = new Map<string, Registration>()
  for (const entries of ordered.values()) {
    for (const { registration: r } of entries) {
      if (r === undefined || !chain.has(r.scope)) continue
      const current = best.get(r.identity)
      if (current === undefined || depth(r.scope) < depth(current.scope)) best.set(r.identity, r)
    }
  }
  return best
}

/** What flattening reads from the host. */
export interface FlattenInput {
  /** Every hook, per phase, in run order (orderHooks), with the scope and registration it came from. */
  readonly ordered: Map<Phase, ScopedHook[]>
  readonly root: Scope
  readonly steps: readonly RouteStep[]
  /** Plugin names whose setup succeeded, per scope (what a guard may require). */
  readonly registered: ReadonlyMap<Scope, ReadonlySet<string>>
  log(): Logger
  /** Hook instruments (`instrumentHooks`); compiled into every hook wrapper when there is one. */
  readonly instruments: readonly HookInstrument[]
  /** Body readers (`bodyReader()`) in registration order. */
  readonly bodyReaders: readonly ScopedBodyReader[]
}

/**
 * Sets `pipeline` on every route (null when it has nothing to run) and returns the pipeline of unmatched
 * requests: the app-wide hooks only, or null.
 *
 * @example
 * const unmatched = flattenRoutes(table.routes, { ordered, root, steps, registered, log })
 */
export function flattenRoutes(routes: readonly Route[], input: FlattenInput): CompiledPipeline | null {
  const { ordered, root, steps, registered } = input
  const ctx = { log: input.log, instruments: input.instruments }
  for (const route of routes) {
    const chain = new Set<Scope>()
    for (let s: Scope | undefined = route.scope as Scope; s !== undefined; s = s.parent) chain.add(s)
    const byPhase = new Map<Phase, HookEntry[]>()
    const outermost = outermostRegistrations(ordered, chain)
    for (const [phase, entries] of ordered) {
      byPhase.set(
        phase,
        entries.filter((e) => chain.has(e.scope) && (e.registration === undefined || outermost.get(e.registration.identity) === e.registration)),
      )
    }
    const guards = [...[...chain].reverse().flatMap((s) => s.guards), ...route.guards]
    const hasPlugin = (name: string): boolean => [...chain].some((s) => registered.get(s)?.has(name) === true)
    const bodyReaders = readersOf(input.bodyReaders, chain)
    const step = { route, where: `${route.method} ${route.path}`, hooks: byPhase, guards, hasPlugin, bodyReaders }
    for (const routeStep of steps) routeStep(step)
    const empty = [...byPhase.values()].every((list) => list.length === 0)
    route.pipeline = empty && route.inject.length === 0 ? null : compilePipeline(byPhase, ctx)
  }
  const appWide = new Map<Phase, HookEntry[]>()
  for (const [phase, entries] of ordered)
    appWide.set(
      phase,
      entries.filter((e) => e.scope === root),
    )
  return [...appWide.values()].some((l) => l.length > 0) ? compilePipeline(appWide, ctx) : null
}

/** The readers of a scope chain by media type; of one plugin's readers for a type, the innermost scope's. */
function readersOf(readers: readonly ScopedBodyReader[], chain: ReadonlySet<Scope>): Map<string, BodyReader> {
  const out = new Map<string, BodyReader>()
  const depthOf = new Map<string, number>()
  for (const { reader, scope } of readers) {
    if (!chain.has(scope)) continue
    const d = depth(scope)
    for (const type of reader.mediaTypes) {
      if ((depthOf.get(type) ?? -1) > d) continue
      out.set(type, reader)
      depthOf.set(type, d)
    }
  }
  return out
}

/** How many groups enclose `scope` (the app is 0). */
function depth(scope: Scope): number {
  return scope.parent === undefined ? 0 : 1 + depth(scope.parent)
}
