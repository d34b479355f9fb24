/**
 * @module host/host — the plugin host: scopes, the hooks registry, plugin registration and the facade that the
 * app, groups and plugin setups all share. At ready it flattens every route's hooks into one compiled
 * pipeline (or null: the fast path).
 */
import { VectoraError } from '../base/catalogue.js'
import { describe } from '../base/check.js'
import { isLogger, type Logger } from '../base/logger.js'
import { checkBodyReader } from '../http/body-reader.js'
import type { KernelStats } from '../internal/native.js'
import { VectoraRequest } from '../http/request.js'
import type { LifecycleHook } from '../lifecycle/lifecycle.js'
import type { HealthCheck, HealthCheckOptions } from '../lifecycle/readiness.js'
import { PHASES, type CompiledPipeline, type HookInstrument, type HookOptions, type Phase, type PlanEntry } from '../pipeline/compile.js'
import { orderHooks } from '../pipeline/order.js'
import type { RouteStep } from '../pipeline/steps.js'
import type { Route, Routes, RouteTable } from '../routing/route.js'
import type { Services } from '../services/container.js'
import { flattenRoutes, type Registration, type ScopedBodyReader, type ScopedHook } from './flatten.js'
import { PluginRegistry } from './plugin.js'
import type { Contract, RouteSchema } from '../contracts/types.js'
import type { ApiContributionEntry, Group, GroupOptions, HostApi, Plugin, PluginApp, RouteInfo, Scope } from './types.js'

/** What the host needs from the app it serves. */
export interface HostEnv {
  readonly table: RouteTable
  readonly services: Services
  /**
   * The core steps the built-ins supply (guards, contracts), run in order on every route at ready. The host
   * knows nothing of what they do: that is the seam (create-app.ts hands them in).
   */
  readonly routeSteps: readonly RouteStep[]
  addLifecycle(kind: 'ready' | 'close', hook: LifecycleHook): void
  log(): Logger
  /** Replaces the app's logger (what `app.log`, every plugin's `log` and the framework's own errors use). */
  setLog(logger: Logger): void
  /** The kernel's counters (app.stats()); throws VEC_ERR_APP_NOT_READY before ready. */
  stats(): KernelStats
  /** JavaScript threads answering the app's requests (createApp's `workers`). */
  readonly threads: number
  /** The app's development mode (createApp's `development`). */
  readonly development: boolean
  /** Registers a readiness check (lifecycle/readiness.ts); throws on a bad or taken name. */
  addHealthCheck(name: string, check: HealthCheck, options: HealthCheckOptions | undefined, owner: string): void
  /** Builds the route methods of a facade for a scope (app.ts owns route registration). */
  routesFor<Self>(self: () => Self, scope: Scope, owner: string): Routes<Self>
}

const RESERVED = new Set(Object.getOwnPropertyNames(VectoraRequest.prototype))
/** Room for a plugin's own calls inside its registration slot. */
const SLOT = 1_000_000

export class PluginHost {
  readonly root: Scope = { id: 0, prefix: '', parent: undefined, guards: [], label: 'app' }
  readonly plugins = new PluginRegistry()
  readonly #env: HostEnv
  readonly #hooks: Array<ScopedHook> = []
  /** Plugin names whose setup succeeded, per scope: what a route's guards may require (defineGuard) at ready. */
  readonly #registered = new Map<Scope, Set<string>>()
  readonly #setups: Array<{ owner: string; promise: Promise<void> }> = []
  readonly #decorations = new Map<string, { owner: string; init: ((req: VectoraRequest<any>) => unknown) | undefined }>()
  /** Registration slots: the app's calls take one each; a plugin takes one at register() for all its calls. */
  /** Hook instruments (`instrumentHooks`), compiled into the pipelines at ready. */
  readonly #instruments: HookInstrument[] = []
  /** Body readers (`bodyReader()`) with the scope each serves, in registration order. */
  readonly #bodyReaders: ScopedBodyReader[] = []
  /** `describeApi()` contributions with the scope each applies to. */
  readonly #contributions: Array<ApiContributionEntry & { scope: Scope }> = []
  #slots = 0
  #scopes = 0
  #frozen = false
  /** Lifecycle hooks wait here until ready, then reach the lifecycle sorted by registration slot. */
  #lifecycle: Array<{ kind: 'ready' | 'close'; hook: LifecycleHook; seq: number }> | undefined = []

  constructor(env: HostEnv) {
    this.#env = env
  }

  /**
   * The facade for `scope`, acting as `owner` (`app` or a plugin name). `seq` numbers what the facade adds:
   * for the app, each call takes the next slot; for a plugin, every call (even after an await in an async
   * setup) stays in the slot taken when the plugin was registered — so hooks and lifecycle hooks follow
   * plugin registration (= dependency) order, not the timing of async setups.
   */
  facade<Self>(scope: Scope, owner: string, seq: () => number = this.#appSeq(), registration?: Registration): HostApi<Self> & Routes<Self> {
    let self: any
    const host = this
    const api: HostApi<any> = {
      addHook(phase: Phase, fn: (...args: any[]) => unknown, options?: HookOptions) {
        host.#addHook(scope, owner, phase, fn, options, seq(), registration)
        return self
      },
      register(plugin, options) {
        host.#register(plugin, options, scope, owner)
        return self
      },
      group(prefix: string, second: GroupOptions | ((g: Group) => void), third?: (g: Group) => void) {
        const [options, setup] = typeof second === 'function' ? [{}, second] : [second, third]
        if (typeof setup !== 'function') throw new VectoraError('VEC_ERR_INVALID_OPTION', `group(${describe(prefix)}) needs a setup function.`)
        setup(host.facade<Group>(host.#child(scope, prefix, options ?? {}), owner, seq, registration) as Group)
        return self
      },
      provide(token, definition) {
        host.#open(`provide ${token}`)
        host.#env.services.provide(token, definition, owner)
        return self
      },
      provideValue(token, value) {
        host.#open(`provide ${token}`)
        host.#env.services.value(token, value, owner)
        return self
      },
      decorateRequest(name, init) {
        host.#decorate(name, init, owner)
        return self
      },
      resolve(token) {
        return host.#env.services.resolve(token)
      },
      routes() {
        return host.#env.table.routes.map((r) => host.#info(r))
      },
      describeApi(contribution) {
        host.#open('describeApi')
        if (typeof contribution !== 'object' || contribution === null) {
          throw new VectoraError(
            'VEC_ERR_PLUGIN_INVALID',
            `${owner} passed describeApi() ${describe(contribution)}: give an object { securitySchemes?, operation? }.`,
          )
        }
        const { securitySchemes, operation, ...rest } = contribution
        const unknown = Object.keys(rest)
        if (unknown.length > 0) {
          throw new VectoraError(
            'VEC_ERR_PLUGIN_INVALID',
            `${owner} passed describeApi() an unknown key "${unknown[0]}": it takes securitySchemes and operation.`,
          )
        }
        if (securitySchemes !== undefined && (typeof securitySchemes !== 'object' || securitySchemes === null)) {
          throw new VectoraError('VEC_ERR_PLUGIN_INVALID', `${owner}: describeApi() securitySchemes must be an object of Security Scheme Objects by name.`)
        }
        if (operation !== undefined && typeof operation !== 'function') {
          throw new VectoraError('VEC_ERR_PLUGIN_INVALID', `${owner}: describeApi() operation must be a function (route) => contribution | undefined.`)
        }
        host.#contributions.push({ plugin: owner, contribution, scope })
        return self
      },
      apiContributions() {
        return host.#contributions.map(({ plugin, contribution }) => ({ plugin, contribution }))
      },
      healthCheck(name, check, options) {
        host.#open(`add health check ${String(name)}`)
        host.#env.addHealthCheck(name, check, options, owner)
        return self
      },
      onReady(fn, options) {
        host.#open('onReady')
        host.#addLifecycle('ready', { owner, fn, timeout: options?.timeout }, seq())
        return self
      },
      onClose(fn, options) {
        host.#addLifecycle('close', { owner, fn, timeout: options?.timeout }, seq())
        return self
      },
      get log() {
        return host.#env.log()
      },
      useLogger(logger) {
        if (scope !== host.root) {
          throw new VectoraError(
            'VEC_ERR_PLUGIN_INVALID',
            `${owner} calls useLogger() in a group: a logger replaces the whole app's, so register it on the app itself.`,
          )
        }
        if (!isLogger(logger)) {
          throw new VectoraError(
            'VEC_ERR_PLUGIN_INVALID',
            `${owner} passed useLogger() something that is not a logger: give an object with error, warn and info functions.`,
          )
        }
        host.#env.setLog(logger)
        return self
      },
      stats() {
        return host.#env.stats()
      },
      instrumentHooks(instrument) {
        host.#open('instrumentHooks')
        if (scope !== host.root) {
          throw new VectoraError(
            'VEC_ERR_PLUGIN_INVALID',
            `${owner} calls instrumentHooks() in a group: it observes every hook of the app, so register it on the app itself.`,
          )
        }
        if (typeof instrument !== 'function') {
          throw new VectoraError(
            'VEC_ERR_PLUGIN_INVALID',
            `${owner} passed instrumentHooks() ${describe(instrument)}: give a function (hook, req) => end | undefined.`,
          )
        }
        host.#instruments.push(instrument)
        return self
      },
      bodyReader(reader) {
        host.#open('bodyReader')
        checkBodyReader(reader, owner)
        host.#addBodyReader({ reader, scope, owner })
        return self
      },
      threads: host.#env.threads,
      development: host.#env.development,
    }
    self = Object.assign(
      api,
      host.#env.routesFor(() => self, scope, owner),
    )
    return self
  }

  /** What `routes()` shows of `route`. */
  #info(route: Route): RouteInfo {
    const chain: Scope[] = []
    for (let scope = route.scope as Scope | undefined; scope !== undefined; scope = scope.parent) chain.unshift(scope)
    return {
      method: route.method,
      path: route.path,
      owner: route.owner,
      schema: route.schema as RouteSchema | undefined,
      contract: route.contract as Contract | undefined,
      docs: route.docs,
      config: route.config,
      guards: [...chain.flatMap((scope) => scope.guards), ...route.guards],
      contributions: this.#contributions.filter((c) => chain.includes(c.scope)).map(({ plugin, contribution }) => ({ plugin, contribution })),
    }
  }

  /** Waits for async plugin setups, in registration order; a failure names the plugin. */
  async settle(): Promise<void> {
    for (const { owner, promise } of this.#setups) {
      try {
        await promise
      } catch (cause) {
        throw new VectoraError('VEC_ERR_PLUGIN_SETUP_FAILED', `The setup of plugin ${owner} failed: ${sentence(cause)}`, { cause })
      }
    }
  }

  /**
   * Freezes hooks and flattens them per route: scope hooks (the route's scope and its ancestors), then the
   * route steps (guards, contracts) add their core hooks. Routes with nothing to run keep `pipeline = null`. Returns the
   * pipeline of unmatched requests (app-wide hooks only), or null.
   */
  compile(routes: readonly Route[]): CompiledPipeline | null {
    this.#frozen = true
    return flattenRoutes(routes, {
      ordered: this.#order(),
      root: this.root,
      steps: this.#env.routeSteps,
      registered: this.#registered,
      log: () => this.#env.log(),
      instruments: this.#instruments,
      bodyReaders: this.#bodyReaders,
    })
  }

  /**
   * Adds a body reader; two plugins may not claim one media type for the same routes (one scope inside the
   * other's), while one plugin registered in a group and on the app may: the innermost serves (flatten.ts).
   */
  #addBodyReader(entry: ScopedBodyReader): void {
    const related = (a: Scope, b: Scope): boolean => within(a, b) || within(b, a)
    for (const other of this.#bodyReaders) {
      if (other.owner === entry.owner || !related(other.scope, entry.scope)) continue
      const taken = entry.reader.mediaTypes.find((type) => other.reader.mediaTypes.includes(type))
      if (taken !== undefined) {
        throw new VectoraError(
          'VEC_ERR_PLUGIN_INVALID',
          `${entry.owner} registers a body reader for ${taken}, which ${other.owner} already reads for these routes. Register one of the two plugins.`,
        )
      }
    }
    this.#bodyReaders.push(entry)
  }

  /** The resolved order of a route's pipeline, for `app.pipeline()`. */
  plan(route: Route): PlanEntry[] {
    return route.pipeline === null ? [] : [...route.pipeline.plan]
  }

  /** The request class of this app: VectoraRequest plus the plugins' decorations. */
  requestClass(): typeof VectoraRequest {
    const decorations = this.#decorations
    class AppRequest<P extends object> extends VectoraRequest<P> {}
    for (const [name, { init }] of decorations) {
      if (init === undefined) {
        Object.defineProperty(AppRequest.prototype, name, { value: undefined, writable: true, configurable: true })
        continue
      }
      Object.defineProperty(AppRequest.prototype, name, {
        configurable: true,
        get(this: VectoraRequest<any>) {
          const value = init(this)
          Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true })
          return value
        },
        set(this: VectoraRequest<any>, value: unknown) {
          Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true })
        },
      })
    }
    return AppRequest as typeof VectoraRequest
  }

  #order(): Map<Phase, ScopedHook[]> {
    // `vectora` (the core's contract and guard steps) is not a valid target: they are placed after ordering.
    const known = new Set(['app', ...this.plugins.names()])
    const out = new Map<Phase, ScopedHook[]>()
    for (const phase of PHASES)
      out.set(
        phase,
        orderHooks(
          phase,
          this.#hooks.filter((h) => h.phase === phase),
          known,
        ),
      )
    return out
  }

  #appSeq(): () => number {
    return () => ++this.#slots * SLOT
  }

  #pluginSeq(): () => number {
    const base = ++this.#slots * SLOT
    let n = 0
    return () => base + ++n
  }

  #addLifecycle(kind: 'ready' | 'close', hook: LifecycleHook, seq: number): void {
    if (this.#lifecycle === undefined) this.#env.addLifecycle(kind, hook)
    else this.#lifecycle.push({ kind, hook, seq })
  }

  /** Hands the buffered onReady/onClose hooks to the lifecycle in registration-slot order (at ready). */
  flushLifecycle(): void {
    const buffered = this.#lifecycle ?? []
    this.#lifecycle = undefined
    for (const { kind, hook } of buffered.sort((a, b) => a.seq - b.seq)) this.#env.addLifecycle(kind, hook)
  }

  #addHook(scope: Scope, owner: string, phase: Phase, fn: (...args: any[]) => unknown, options: HookOptions = {}, seq = 0, registration?: Registration): void {
    this.#open(`add a ${String(phase)} hook`)
    if (!(PHASES as readonly unknown[]).includes(phase)) {
      throw new VectoraError(
        'VEC_ERR_HOOK_INVALID',
        `Unknown phase ${describe(phase)}; phases are ${PHASES.join(', ')}. (validate is reserved for contracts, but hooks may join it.)`,
      )
    }
    if (typeof fn !== 'function') throw new VectoraError('VEC_ERR_HOOK_INVALID', `A ${phase} hook must be a function, got ${describe(fn)}.`)
    const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v])
    const timeout = options.timeout
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
      throw new VectoraError('VEC_ERR_HOOK_INVALID', `Hook timeout must be a positive integer of ms, got ${describe(timeout)}.`)
    }
    this.#hooks.push({
      phase,
      fn,
      owner,
      scope,
      name: options.name ?? (fn.name || `${phase}#${this.#hooks.length}`),
      before: list(options.before),
      after: list(options.after),
      stage: options.stage ?? 0,
      timeout,
      seq,
      registration,
    })
  }

  #register(plugin: Plugin, options: unknown, scope: Scope, owner: string): void {
    this.#open(`register plugin ${(plugin as { name?: string } | null)?.name ?? '?'}`)
    const ancestors: number[] = []
    for (let s = scope.parent; s !== undefined; s = s.parent) ancestors.push(s.id)
    const identity = this.plugins.add(plugin, options, scope.id, ancestors, scope.label)
    if (identity === false) return
    const facade = this.facade<PluginApp>(scope, plugin.name, this.#pluginSeq(), { plugin: plugin.name, scope, identity })
    try {
      const result = plugin.setup(facade, options)
      if (result && typeof (result as Promise<void>).then === 'function') {
        const promise = Promise.resolve(result)
        promise.catch(() => {}) // reported by settle(), in order
        this.#setups.push({ owner: plugin.name, promise })
      }
    } catch (cause) {
      this.plugins.remove(plugin.name, scope.id)
      throw new VectoraError('VEC_ERR_PLUGIN_SETUP_FAILED', `The setup of plugin ${plugin.name} (registered by ${owner}) failed: ${sentence(cause)}`, { cause })
    }
    this.#registered.set(scope, (this.#registered.get(scope) ?? new Set<string>()).add(plugin.name))
  }

  #child(parent: Scope, prefix: string, options: GroupOptions): Scope {
    if (typeof prefix !== 'string' || !prefix.startsWith('/') || prefix.endsWith('/')) {
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `A group prefix starts with "/" and does not end with one, got ${describe(prefix)}.`)
    }
    const guards = options.guards ?? []
    if (!Array.isArray(guards) || guards.some((g) => typeof g !== 'function')) {
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `Group ${prefix}: guards must be an array of functions.`)
    }
    const full = parent.prefix + prefix
    return { id: ++this.#scopes, prefix: full, parent, guards: [...guards], label: `group ${full}` }
  }

  #decorate(name: string, init: ((req: VectoraRequest<any>) => unknown) | undefined, owner: string): void {
    this.#open(`decorate requests with ${name}`)
    if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw new VectoraError('VEC_ERR_DECORATION_CONFLICT', `Request decoration names are identifiers, got ${describe(name)}.`)
    }
    if (RESERVED.has(name)) {
      throw new VectoraError('VEC_ERR_DECORATION_CONFLICT', `${owner} cannot decorate requests with "${name}": requests already have it.`)
    }
    const existing = this.#decorations.get(name)
    // A plugin registered in several scopes declares its decoration each time: the same owner may repeat it.
    if (existing !== undefined && existing.owner === owner && existing.init === init) return
    if (existing !== undefined) {
      throw new VectoraError('VEC_ERR_DECORATION_CONFLICT', `${owner} cannot decorate requests with "${name}": ${existing.owner} already did.`)
    }
    if (init !== undefined && typeof init !== 'function') {
      throw new VectoraError(
        'VEC_ERR_DECORATION_CONFLICT',
        `decorateRequest("${name}"): init must be a function (a shared object would leak between requests).`,
      )
    }
    this.#decorations.set(name, { owner, init })
  }

  #open(what: string): void {
    if (this.#frozen) throw new VectoraError('VEC_ERR_APP_READY', `Cannot ${what}: the app is ready and its pipeline is frozen.`)
  }
}

/** A thrown value's message as one sentence ending in a single period (plugin messages often end in one). */
function sentence(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause)
  return /[.!?]$/.test(text) ? text : `${text}.`
}

/** True when `inner` is `outer` or one of its descendants. */
function within(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | undefined = inner; s !== undefined; s = s.parent) if (s === outer) return true
  return false
}
