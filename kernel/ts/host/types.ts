/**
 * @module host/types — the plugin host's public types in one file (they refer to each other): scopes, the
 * host API every facade offers, groups and plugins.
 */
import type { Logger } from '../base/logger.js'
import type { KernelStats } from '../internal/native.js'
import type { Contract, RouteSchema } from '../contracts/types.js'
import type { BodyReader } from '../http/body-reader.js'
import type { RouteConfig, VectoraRequest } from '../http/request.js'
import type { Guard } from '../pipeline/guards.js'
import type { ErrorHook, HookInstrument, HookOptions, RequestHook, RequestPhase, ResponseHook, SendHook } from '../pipeline/compile.js'
import type { Routes } from '../routing/route.js'
import type { ServiceDefinition } from '../services/container.js'
import type { HealthCheck, HealthCheckOptions } from '../lifecycle/readiness.js'
import type { RouteDocs } from '../routing/docs.js'

/** A path prefix with its own hooks, guards and plugins; hooks never leak to sibling scopes. */
export interface Scope {
  readonly id: number
  readonly prefix: string
  readonly parent: Scope | undefined
  readonly guards: readonly Guard[]
  /** For messages: `app` or `group /admin`. */
  readonly label: string
}

/** Adds a hook to a phase (see docs/pipeline.md for what each phase may do). */
export interface AddHook<Self> {
  (phase: RequestPhase, fn: RequestHook, options?: HookOptions): Self
  (phase: 'onSend', fn: SendHook, options?: HookOptions): Self
  (phase: 'onResponse', fn: ResponseHook, options?: HookOptions): Self
  (phase: 'onError', fn: ErrorHook, options?: HookOptions): Self
}

/** Options of `group()`. */
export interface GroupOptions {
  guards?: readonly Guard[]
}

/** What registering code (the app, a group, a plugin's setup) may do; routes and hooks land in its scope. */
export interface HostApi<Self> {
  addHook: AddHook<Self>
  /** Registers a plugin in this scope; `options` reach its setup. */
  register<O>(plugin: Plugin<O, PluginApp>, options?: O): Self
  /** A child scope under `prefix`: its routes get the prefix; its hooks, guards and plugins stay inside it. */
  group(prefix: string, setup: (group: Group) => void): Self
  group(prefix: string, options: GroupOptions, setup: (group: Group) => void): Self
  /** Provides a service to the app's container (one container per app, whatever the scope). */
  provide<T>(token: string, definition: ServiceDefinition<T>): Self
  /** Provides a ready value as a singleton service. */
  provideValue<T>(token: string, value: T): Self
  /**
   * Adds a field to every request of this app (`req[name]`), initially `init(req)` on first read, or undefined.
   * Type it by augmenting `RequestDecorations`. Names that exist on requests, or that another plugin decorated,
   * are refused with VEC_ERR_DECORATION_CONFLICT.
   */
  decorateRequest(name: string, init?: (req: VectoraRequest<any>) => unknown): Self
  /** Resolves a singleton or transient service (from onReady on: the container is checked at ready). */
  resolve<T = unknown>(token: string): T
  /**
   * The app's routes with their compiled contracts, for plugins that describe the API (OpenAPI) — read it
   * from an onReady hook: before ready, contracts are not compiled yet.
   */
  routes(): RouteInfo[]
  /**
   * What this plugin adds to the API description (OpenAPI) of the routes in this scope and its children:
   * security schemes, and per route security requirements, responses, parameters and tags. The extension
   * point @vectora/jwt and @vectora/rate-limit use; an API description plugin reads the contributions from
   * `routes()` and `apiContributions()`. Before ready.
   */
  describeApi(contribution: ApiContribution): Self
  /** Every `describeApi()` contribution of the app, in registration order (for components such as security schemes). */
  apiContributions(): readonly ApiContributionEntry[]
  /**
   * Adds a readiness check: `/health/ready` answers 503 while a critical check is down, and its body names
   * each check with its status (docs/deploy.md#readiness). Checks run together every `health.interval` ms
   * from ready on, each under its timeout; the first round runs before the app listens. Names are unique
   * in the app. Before ready.
   */
  healthCheck(name: string, check: HealthCheck, options?: HealthCheckOptions): Self
  /** Runs when the app starts (in plugin dependency order), before it listens. */
  onReady(fn: () => unknown, options?: { timeout?: number }): Self
  /** Runs at shutdown, after drain, in reverse order. */
  onClose(fn: () => unknown, options?: { timeout?: number }): Self
  readonly log: Logger
  /**
   * Replaces the app's logger: `app.log`, every plugin's `log`, and the framework's own error lines go
   * through `logger` from now on (a logging plugin calls it in setup). App scope only: in a group it throws
   * VEC_ERR_PLUGIN_INVALID.
   */
  useLogger(logger: Logger): Self
  /** The kernel's counters (connections, queue, refusals; see `KernelStats`). Needs a ready app: call it at scrape time. */
  stats(): KernelStats
  /**
   * Observes every hook call of the app (a tracing plugin's child span per hook): `instrument(hook, req)` runs
   * before each hook and returns what to call when the hook's work ended (with its error), or undefined. App scope
   * only, before ready. Costs nothing when no instrument is registered (hooks are then not wrapped).
   */
  instrumentHooks(instrument: HookInstrument): Self
  /**
   * Teaches the route contracts of this scope (and its groups) a media type besides JSON: a request whose
   * `Content-Type` is one of `reader.mediaTypes` has its body read by `reader.read(req)` in the validate phase and
   * checked by the route's `schema.body` (docs/contracts.md#body-readers). @vectora/form reads forms this way.
   * Throws VEC_ERR_PLUGIN_INVALID for a malformed reader, a JSON media type, or a type another plugin already
   * reads for these routes. Before ready.
   */
  bodyReader(reader: BodyReader): Self
  /**
   * JavaScript threads answering this app's requests (`createApp({ workers })`, docs/workers.md), each with
   * its own copy of the app: what a plugin keeps in memory is per thread. 1 without workers.
   */
  readonly threads: number
  /**
   * The app's development mode (`createApp({ development })`, default `NODE_ENV === 'development'`): what a
   * plugin's defaults may follow (a cookie's `Secure`, a pretty log) so an app has one switch, not one per plugin.
   */
  readonly development: boolean
}

/** What `routes()` shows of a route. */
export interface RouteInfo {
  readonly method: string
  readonly path: string
  readonly owner: string
  /** The route's arktype contracts as declared, or undefined. */
  readonly schema: RouteSchema | undefined
  /** The compiled contract (JSON Schema of each part via `toJsonSchema()`), set at ready. */
  readonly contract: Contract | undefined
  /** The route's `docs` option. */
  readonly docs: RouteDocs | undefined
  /** The route's `config` option (frozen). */
  readonly config: Readonly<RouteConfig> | undefined
  /** The guards the route runs: the enclosing groups' (outermost first), then its own. */
  readonly guards: readonly Guard[]
  /** The `describeApi()` contributions registered in the route's scope or an enclosing one, in registration order. */
  readonly contributions: readonly ApiContributionEntry[]
}

/** A contribution to the API description and the plugin (or `app`) that made it. */
export interface ApiContributionEntry {
  readonly plugin: string
  readonly contribution: ApiContribution
}

/**
 * What a plugin says about the API it shapes. `operation` is asked once per documented route in the
 * contribution's scope and returns what it adds to that route's operation, or undefined for nothing.
 *
 * @example
 * app.describeApi({
 *   securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
 *   operation: () => ({ security: [{ apiKey: [] }], responses: { 401: { description: 'No or a wrong API key', problem: true } } }),
 * })
 */
export interface ApiContribution {
  /** Entries of `components.securitySchemes` (OpenAPI Security Scheme Objects), by name. */
  readonly securitySchemes?: Readonly<Record<string, object>>
  readonly operation?: (route: RouteInfo) => OperationContribution | undefined
}

/** What a contribution adds to one operation. */
export interface OperationContribution {
  /** Security requirements (alternatives): `[{ bearer: [] }]`; add `{}` for "or anonymous". */
  readonly security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>
  /** Responses by status; `problem: true` documents the problem+json body. */
  readonly responses?: Readonly<Record<string, DescribedResponse>>
  readonly parameters?: readonly DescribedParameter[]
  readonly tags?: readonly string[]
}

/** A response a plugin may send, for the API description. */
export interface DescribedResponse {
  readonly description: string
  /** Response headers: name -> description and JSON Schema. */
  readonly headers?: Readonly<Record<string, { readonly description?: string; readonly schema: object }>>
  /** The body is Vectora's problem+json (RFC 9457). */
  readonly problem?: boolean
}

/** A request parameter a plugin reads, for the API description. */
export interface DescribedParameter {
  readonly name: string
  readonly in: 'header' | 'query' | 'cookie'
  readonly required?: boolean
  readonly description?: string
  /** JSON Schema of the value. */
  readonly schema: object
}

/** A group's facade: the host API plus routes, under the group's prefix. */
export type Group = HostApi<Group> & Routes<Group>

/** What a plugin's setup receives: the host API and routes, bound to the scope it was registered in. */
export type PluginApp = HostApi<PluginApp> & Routes<PluginApp>

/**
 * A plugin: a named, versioned package of hooks, routes, services and lifecycle hooks. `setup` receives a
 * facade of the app bound to the scope the plugin was registered in, and the options it was registered
 * with. Third-party plugins use exactly this API.
 *
 * @example
 * export const requestTimer = definePlugin({
 *   name: 'request-timer',
 *   version: '1.0.0',
 *   setup(app, options: { header?: string }) {
 *     app.addHook('onSend', (reply, req) => { reply.header(options.header ?? 'x-took', '1') })
 *   },
 * })
 */
export interface Plugin<O = any, H = PluginApp> {
  readonly name: string
  readonly version: string
  /** Names of plugins that must be registered before this one. */
  readonly dependencies: readonly string[]
  /** May be registered several times in one scope chain with other options (each its own instance; equal options dedupe). */
  readonly multiple: boolean
  readonly setup: (app: H, options: O) => void | Promise<void>
}

/** What definePlugin accepts. */
export interface PluginDefinition<O, H = PluginApp> {
  name: string
  version: string
  dependencies?: readonly string[]
  /**
   * Allow several registrations in one scope chain, each with its own options (e.g. an app-wide rate limit
   * plus a stricter one on a group). A repeat with equal options is still deduplicated. Default false: a
   * repeat is deduplicated, or refused with other options (VEC_ERR_PLUGIN_DUPLICATE).
   */
  multiple?: boolean
  setup: (app: H, options: O) => void | Promise<void>
}
