/**
 * @module services/container — dependency injection: services provided by plugins and the app, on one strict awilix container.
 *
 * Design:
 * - Explicit deps. A service lists the tokens it needs (`deps`) and its factory receives exactly those,
 *   resolved, as a plain object: no parameter-name reflection (minifier-safe), no hidden lookups.
 * - Static check at ready. `check()` walks the declared graph without running a single factory: missing
 *   tokens, cycles and lifetime leaks (awilix strict semantics) fail the boot with the resolution path and
 *   who asked, before any side effect (no pool opened, no socket bound). Registrations are then frozen.
 * - Lazy request scope. `createScope()` allocates nothing from awilix until the first `resolve()`, so
 *   requests whose handler needs no scoped service pay nothing.
 * - Guaranteed disposal. awilix never disposes child scopes (awilix#65); the framework calls
 *   `RequestScope.dispose()` at the end of every request and `Services.dispose()` at app close. Disposers
 *   run in reverse creation order (dependents before what they depend on); their errors are returned, never thrown.
 */
import { describe, invalid } from '../base/check.js'
import { createRequire } from 'node:module'
import type { AwilixContainer, CacheEntry, DisposableResolver, LifetimeType } from 'awilix'
import { VectoraError } from '../base/catalogue.js'
import { didYouMean } from '../base/suggest.js'

let awilixModule: typeof import('awilix') | undefined
function awilix(): typeof import('awilix') {
  return (awilixModule ??= createRequire(import.meta.url)('awilix') as typeof import('awilix'))
}

/** How long a service instance lives: the app, one request, or one resolution. */
export type Lifetime = 'singleton' | 'scoped' | 'transient'

/**
 * How to build a service.
 *
 * @example
 * services.provide('users', { deps: ['db'], factory: ({ db }) => new UserRepo(db), lifetime: 'scoped' }, 'app')
 */
export interface ServiceDefinition<T = unknown> {
  /** Tokens this service needs; the factory receives them as an object. Explicit: no parameter-name reflection. */
  deps?: readonly string[]
  /** Builds the service synchronously (awilix resolves nothing async): build a client here, connect it in onReady. */
  factory: (deps: Record<string, any>) => T
  /** Default `'singleton'`. */
  lifetime?: Lifetime
  /**
   * Run when the service's scope (request) or the app container is disposed. Only for singleton and scoped
   * services: awilix keeps no reference to transient instances, so a transient disposer could never run.
   */
  dispose?: (value: T) => unknown | Promise<unknown>
}

/** A request scope: scoped services are created once in it and disposed with it. */
export interface RequestScope {
  resolve<T = unknown>(token: string): T
  /** Resolves several tokens into an object `{ token: value }` (what handlers receive). */
  resolveAll(tokens: readonly string[]): Record<string, unknown>
  /**
   * Runs disposers of scoped services created in this scope (errors collected, never thrown); idempotent;
   * after it, resolve() throws VEC_ERR_DI_SCOPE_DISPOSED.
   */
  dispose(): Promise<Error[]>
}

type Kind = Lifetime | 'value'
interface Entry {
  readonly owner: string
  readonly kind: Kind
  readonly deps: readonly string[]
}

const LIFETIMES: Record<Lifetime, LifetimeType> = {
  singleton: 'SINGLETON',
  scoped: 'SCOPED',
  transient: 'TRANSIENT',
}
/** awilix's `isLifetimeLonger`, values counting as singletons (they are leak-safe). */
const RANK: Record<Kind, number> = { value: 2, singleton: 2, scoped: 1, transient: 0 }
const LIVES: Record<Kind, string> = { value: 'the whole app', singleton: 'the whole app', scoped: 'a whole request', transient: '' }
/** Names awilix's cradle answers by itself, or that break the `{ token: value }` object handlers receive. */
const RESERVED = new Set(['constructor', 'toJSON', '__proto__', 'then'])
const DEFINITION_KEYS = ['deps', 'factory', 'lifetime', 'dispose']

/**
 * The services of one app: one awilix container in strict mode, registrations checked and frozen at ready().
 *
 * @example
 * const services = new Services()
 * services.value('config', { url: 'postgres://…' }, 'app')
 * services.provide('db', { deps: ['config'], factory: ({ config }) => new Pool(config), dispose: (p) => p.end() }, 'pg')
 * services.check([{ who: 'route GET /users/:id', tokens: ['db'] }])
 * const scope = services.createScope(); const { db } = scope.resolveAll(['db']); await scope.dispose()
 */
export class Services {
  #awilixContainer: AwilixContainer | undefined

  /** The awilix container, created (and awilix loaded) on first use: an app without services never pays for it. */
  get #container(): AwilixContainer {
    const { createContainer, InjectionMode } = awilix()
    return (this.#awilixContainer ??= createContainer({ injectionMode: InjectionMode.PROXY, strict: true }))
  }
  readonly #entries = new Map<string, Entry>()
  /** Tokens being built right now (resolution is synchronous), for factory error messages. */
  readonly #building: string[] = []
  #frozen = false
  #disposing: Promise<Error[]> | null = null

  /** Registers a service; `owner` is the plugin name or 'app' (used in error messages). */
  provide<T>(token: string, definition: ServiceDefinition<T>, owner: string): void {
    this.#checkNew(token, owner, 'provide')
    const at = `provide('${token}')`
    if (definition === null || typeof definition !== 'object') throw invalid(at, 'an object with a factory', definition)
    const unknown = Object.keys(definition).find((key) => !DEFINITION_KEYS.includes(key))
    if (unknown !== undefined) {
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `Unknown option "${unknown}" in ${at} (known: ${DEFINITION_KEYS.join(', ')}).`)
    }
    const { deps = [], factory, lifetime = 'singleton', dispose } = definition
    if (typeof factory !== 'function') throw invalid(`${at}.factory`, 'a function', factory)
    if (!Array.isArray(deps)) throw invalid(`${at}.deps`, 'an array of tokens', deps)
    for (const dep of deps) checkToken(dep, `${at}.deps`)
    if (!Object.hasOwn(LIFETIMES, lifetime)) throw invalid(`${at}.lifetime`, '"singleton", "scoped" or "transient"', lifetime)
    if (dispose !== undefined && typeof dispose !== 'function') throw invalid(`${at}.dispose`, 'a function', dispose)
    if (dispose !== undefined && lifetime === 'transient') {
      throw new VectoraError('VEC_ERR_DI_INVALID', `Transient service "${token}" (provided by ${owner}) has a dispose function, which could never run.`)
    }
    const entry: Entry = { owner, kind: lifetime, deps: [...deps] }
    const resolver = awilix().asFunction((cradle: Record<string, unknown>) => this.#build(token, entry, factory, cradle), { lifetime: LIFETIMES[lifetime] })
    this.#entries.set(token, entry)
    this.#container.register(token, dispose === undefined ? resolver : resolver.disposer(dispose as (value: unknown) => unknown))
  }

  /** Registers a ready value (singleton, never disposed by us). */
  value<T>(token: string, value: T, owner: string): void {
    this.#checkNew(token, owner, 'value')
    this.#entries.set(token, { owner, kind: 'value', deps: [] })
    this.#container.register(token, awilix().asValue(value))
  }

  has(token: string): boolean {
    return this.#entries.has(token)
  }

  /**
   * At ready(): checks the whole graph without instantiating anything, then freezes registrations. Every dep and
   * consumer token exists (VEC_ERR_DI_MISSING), no cycle (VEC_ERR_DI_CYCLE), no service depends on a shorter-lived
   * one (VEC_ERR_DI_LIFETIME: singleton -> scoped/transient and scoped -> transient, as awilix strict mode).
   */
  check(consumers: ReadonlyArray<{ who: string; tokens: readonly string[] }>): void {
    const done = new Set<string>()
    const visit = (token: string, path: string[], who: string): void => {
      const entry = this.#entries.get(token)!
      path.push(token)
      for (const dep of entry.deps) {
        const child = this.#entries.get(dep)
        const at = `resolution path: ${[...path, dep].join(' -> ')}${who}`
        const service = `service "${token}" (provided by ${entry.owner})`
        if (child === undefined) {
          throw new VectoraError('VEC_ERR_DI_MISSING', `${cap(service)} needs "${dep}", which nothing provides (${at}).${this.#near(dep)}`)
        }
        if (RANK[entry.kind] > RANK[child.kind]) {
          throw new VectoraError(
            'VEC_ERR_DI_LIFETIME',
            `${cap(entry.kind)} ${service} depends on ${child.kind} service "${dep}" ` +
              `(provided by ${child.owner}; ${at}): it would keep one "${dep}" for ${LIVES[entry.kind]}.`,
          )
        }
        const loop = path.indexOf(dep)
        if (loop !== -1) {
          const cycle = [...path.slice(loop), dep]
          const owners = [...new Set(cycle)].map((t) => `${t} from ${this.#entries.get(t)!.owner}`).join(', ')
          throw new VectoraError('VEC_ERR_DI_CYCLE', `Services depend on each other in a cycle: ${cycle.join(' -> ')} (${owners}${who}).`)
        }
        if (!done.has(dep)) visit(dep, path, who)
      }
      path.pop()
      done.add(token)
    }
    for (const { who, tokens } of consumers) {
      for (const token of tokens) {
        if (!this.#entries.has(token)) {
          throw new VectoraError('VEC_ERR_DI_MISSING', `${who} needs service "${token}", which nothing provides.${this.#near(token)}`)
        }
        if (!done.has(token)) visit(token, [], `; needed by ${who}`)
      }
    }
    for (const token of this.#entries.keys()) if (!done.has(token)) visit(token, [], '')
    this.#frozen = true
  }

  /** Resolves a singleton/transient from the root (used for controllers, plugin setup at onReady). */
  resolve<T = unknown>(token: string): T {
    const scoped = this.#scopedPath(token, [], new Set())
    if (scoped !== null) {
      const what = scoped.length === 1 ? `Scoped service "${token}"` : `Service "${token}" needs scoped "${scoped.at(-1)}" (${scoped.join(' -> ')}) and`
      throw new VectoraError('VEC_ERR_DI_LIFETIME', `${what} cannot be resolved outside a request: list it in the handler's deps.`)
    }
    return this.#resolveIn(this.#container, token) as T
  }

  /** A request scope; cheap to create lazily; resolve() caches scoped services inside the scope. */
  createScope(): RequestScope {
    this.#checkOpen()
    let container: AwilixContainer | null = null // the awilix scope, created by the first resolve()
    let disposing: Promise<Error[]> | null = null
    const scope: RequestScope = {
      resolve: <T>(token: string): T => {
        if (disposing !== null) {
          throw new VectoraError('VEC_ERR_DI_SCOPE_DISPOSED', `Service "${String(token)}" was resolved from a request scope that is already disposed.`)
        }
        container ??= this.#container.createScope()
        return this.#resolveIn(container, token) as T
      },
      resolveAll: (tokens) => Object.fromEntries(tokens.map((token) => [token, scope.resolve(token)])),
      dispose: () => (disposing ??= container === null ? Promise.resolve([]) : this.#drain(container)),
    }
    return scope
  }

  /** Disposes singletons (disposers awaited, errors collected and returned, never thrown). Idempotent. */
  dispose(): Promise<Error[]> {
    // No container was ever created (no service provided): nothing to dispose, and no reason to load awilix.
    if (this.#awilixContainer === undefined) this.#disposing ??= Promise.resolve([])
    return (this.#disposing ??= this.#drain(this.#container))
  }

  /** Resolves in `container`, mapping awilix errors to VEC_ERR_DI_* codes (cause kept). */
  #resolveIn(container: AwilixContainer, token: string): unknown {
    checkToken(token, 'resolve()')
    this.#checkOpen()
    if (!this.#entries.has(token)) throw new VectoraError('VEC_ERR_DI_MISSING', `No service "${token}" is provided.${this.#near(token)}`)
    try {
      return container.resolve(token)
    } catch (cause) {
      // Only reachable before check() passed: it rules out every case below.
      if (!(cause instanceof awilix().AwilixResolutionError)) throw cause
      const path = /Resolution path: (.*)/.exec(cause.message)?.[1] ?? token
      const last = path.split(' -> ').at(-1)!
      const [code, detail] = cause.message.includes('Cyclic dependencies')
        ? (['VEC_ERR_DI_CYCLE', 'Services depend on each other in a cycle'] as const)
        : cause.message.includes('shorter lifetime')
          ? (['VEC_ERR_DI_LIFETIME', `Service "${last}" lives shorter than a service that depends on it`] as const)
          : (['VEC_ERR_DI_MISSING', `No service "${last}" is provided`] as const)
      throw new VectoraError(code, `${detail} (resolution path: ${path}).`, { cause })
    }
  }

  /** Empties a container's cache and runs its disposers one by one, in reverse creation order. */
  async #drain(container: AwilixContainer): Promise<Error[]> {
    const entries: Array<[string | symbol, CacheEntry]> = [...container.cache].reverse()
    container.cache.clear()
    const errors: Error[] = []
    for (const [token, { resolver, value }] of entries) {
      try {
        await (resolver as DisposableResolver<unknown>).dispose?.(value)
      } catch (cause) {
        const service = `service "${String(token)}" (provided by ${this.#entries.get(String(token))?.owner})`
        errors.push(new VectoraError('VEC_ERR_DI_DISPOSE_FAILED', `Disposing ${service} failed: ${message(cause)}.`, { cause }))
      }
    }
    return errors
  }

  /** Builds one instance: resolves its declared deps through awilix (lifetime and cycle checks), then runs the factory. */
  #build(token: string, entry: Entry, factory: ServiceDefinition['factory'], cradle: Record<string, unknown>): unknown {
    this.#building.push(token)
    try {
      const deps: Record<string, unknown> = {}
      for (const dep of entry.deps) deps[dep] = cradle[dep]
      const service = `service "${token}" (provided by ${entry.owner})`
      let value: unknown
      try {
        value = factory(deps)
      } catch (cause) {
        const path = this.#building.join(' -> ')
        throw new VectoraError('VEC_ERR_DI_FACTORY_FAILED', `The factory of ${service} threw: ${message(cause)} (resolution path: ${path}).`, { cause })
      }
      if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
        throw new VectoraError('VEC_ERR_DI_INVALID', `The factory of ${service} returned a promise; factories must be synchronous.`)
      }
      return value
    } finally {
      this.#building.pop()
    }
  }

  /** The path from `token` to a scoped service it needs, or null when the root can resolve it. */
  #scopedPath(token: string, path: string[], seen: Set<string>): string[] | null {
    const entry = this.#entries.get(token)
    if (entry === undefined || seen.has(token)) return null
    seen.add(token)
    if (entry.kind === 'scoped') return [...path, token]
    for (const dep of entry.deps) {
      const found = this.#scopedPath(dep, [...path, token], seen)
      if (found !== null) return found
    }
    return null
  }

  #checkNew(token: string, owner: string, method: string): void {
    checkToken(token, `${method}() token`)
    if (this.#disposing !== null) throw new VectoraError('VEC_ERR_APP_CLOSED', `Service "${token}" cannot be registered: the app is closed.`)
    if (this.#frozen) {
      throw new VectoraError('VEC_ERR_APP_READY', `Service "${token}" (from ${owner}) cannot be registered after ready(): services are frozen then.`)
    }
    const existing = this.#entries.get(token)
    if (existing !== undefined) {
      throw new VectoraError('VEC_ERR_DI_DUPLICATE', `Service "${token}" is provided twice: by ${existing.owner} and by ${owner}.`)
    }
  }

  #checkOpen(): void {
    if (this.#disposing !== null) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Services cannot be resolved: the app container is disposed.')
  }

  #near(token: string): string {
    return didYouMean(token, this.#entries.keys())
  }
}

function checkToken(token: unknown, where: string): asserts token is string {
  if (typeof token !== 'string' || token === '' || RESERVED.has(token)) {
    throw invalid(where, `a non-empty string other than ${[...RESERVED].join(', ')}`, token)
  }
}

const cap = (text: string): string => text[0]!.toUpperCase() + text.slice(1)
const message = (error: unknown): string => (error instanceof Error ? error.message : describe(error))
