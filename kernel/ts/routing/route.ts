/** @module routing/route — path patterns (`/users/:id`, `/files/*`), their typed params and the route table. */
import { checkInteger, describe } from '../base/check.js'
import { VectoraError } from '../base/catalogue.js'
import { METHODS } from '../internal/native.js'
import type { Contract, Infer, RouteSchema } from '../contracts/types.js'
import type { Guard } from '../pipeline/guards.js'
import type { CompiledPipeline } from '../pipeline/compile.js'
import { checkRouteDocs, type RouteDocs } from './docs.js'
import type { RouteConfig, VectoraRequest } from '../http/request.js'

type Segments<P extends string> = P extends `${infer Head}/${infer Rest}` ? Head | Segments<Rest> : P
type ParamOf<S extends string> = S extends `:${infer Name}` ? Name : S extends '*' ? '*' : never

/**
 * The params object of a path pattern, inferred from its literal type.
 *
 * @example
 * type P = PathParams<'/users/:id/files/*'> // { id: string; '*': string }
 */
export type PathParams<P extends string> = string extends P ? Record<string, string> : { [K in ParamOf<Segments<P>>]: string }

/** A request whose params, query, headers and body are typed by the route's contract (validated values). */
export type ContractRequest<P extends string, S extends RouteSchema> = Omit<
  VectoraRequest<Extract<Infer<S, 'params', PathParams<P>>, object>>,
  'query' | 'headers' | 'body'
> & {
  readonly query: Infer<S, 'query', Record<string, string | string[]>>
  readonly headers: Infer<S, 'headers', Readonly<Record<string, string>>>
  readonly body: Infer<S, 'body', unknown>
}

/**
 * A request of any route, typed by a contract or not: the parameter type of a helper that handlers call with their
 * `req` (`readForm(req)`, `resourceOf(req)`). A contract-typed request is no `VectoraRequest<any>` to TypeScript (its
 * query, headers and body are retyped, and the class's private fields do not survive that), but it is an AnyRequest.
 * Read headers through `req.header(name)` there.
 *
 * @example
 * export function clientIp(req: AnyRequest): string { return req.ip }
 */
export type AnyRequest = Omit<VectoraRequest<any>, 'query' | 'headers' | 'body'> & {
  readonly query: unknown
  readonly headers: unknown
  readonly body: unknown
}

/** The request a handler receives: typed from the path, and from the contract when the route has one. */
export type TypedRequest<P extends string, S extends RouteSchema = {}> = keyof S extends never ? VectoraRequest<PathParams<P>> : ContractRequest<P, S>

/**
 * The request type of a route declared elsewhere (a controller method, a handler written apart from its
 * route): its contract `S`, its path `P`, and what its guards establish `N`.
 *
 * @example
 * const create = { body: type({ name: 'string' }) }
 * @Post('/', { schema: create })
 * add(req: RequestFor<typeof create>) { return { name: req.body.name } }
 */
export type RequestFor<S extends RouteSchema = {}, P extends string = string, N = {}> = TypedRequest<P, S> & N

/**
 * Service types by token, for typed `deps`. Augment it where a service is provided (plugins do the same):
 *
 * @example
 * declare module 'vectora' {
 *   interface ServiceTypes { users: UserService }
 * }
 */
export interface ServiceTypes {}

/** The `deps` of a handler: exactly the tokens of its `inject` list, typed from ServiceTypes (else unknown). */
export type Deps<I extends readonly string[] = readonly []> = {
  readonly [K in I[number]]: K extends keyof ServiceTypes ? ServiceTypes[K] : unknown
}

/** What a route's guards establish on the request (`Guard<N>`), intersected. */
export type GuardedBy<G extends readonly Guard<any>[]> = UnionToIntersection<G[number] extends Guard<infer N> ? N : never>
type UnionToIntersection<U> = [U] extends [never] ? {} : (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/**
 * A route handler: returns a value (JSON), a string, a Buffer, a Reply, or a promise of one (`undefined` is
 * refused: return `reply.empty()` for a 204). `deps` holds the services named in the route's `inject` option,
 * resolved from the request's scope; a token not in `inject` does not type-check.
 */
export type Handler<P extends string = string, S extends RouteSchema = {}, I extends readonly string[] = readonly [], N = {}> = (
  req: TypedRequest<P, S> & N,
  deps: Deps<I>,
) => unknown

/** A handler whose params type was erased, as stored in the table. */
export type AnyHandler = (req: VectoraRequest<any>, deps: Record<string, any>) => unknown

/** Per-route options. */
export interface RouteOptions<
  S extends RouteSchema = RouteSchema,
  I extends readonly string[] = readonly string[],
  G extends readonly Guard<any>[] = readonly Guard<any>[],
> {
  /** Largest request body for this route, bytes (0 = no limit). Default: the app's `bodyLimit`. */
  bodyLimit?: number
  /**
   * `'stream'`: the body is handed over as it arrives (`req.stream()`), for uploads larger than memory, still
   * under `bodyLimit` and the body deadlines. Default `'buffer'`: the kernel reads it whole first. With a
   * `schema.body` contract the validate phase reads the body before the handler: a JSON body whole, a body a
   * reader claims (a multipart form) through that reader, which may stream it (files to disk).
   */
  body?: 'buffer' | 'stream'
  /** Deadline for this route's handler, ms (0 = none). Default: the app's `requestTimeout`. */
  timeout?: number
  /** Guards run in the authorize phase after the enclosing groups' guards; false -> 403. What they establish (`Guard<N>`) types `req`. */
  guards?: G
  /** arktype contracts for params, query, headers, body (and response); see docs/contracts.md. */
  schema?: S
  /** Service tokens resolved from the request scope and handed to the handler as its second argument. */
  inject?: I
  /** What an API description (@vectora/openapi) says about the route: summary, tags, operationId, more responses. */
  docs?: RouteDocs
  /**
   * Settings for the hooks and plugins on this route, read as `req.routeConfig` (frozen) and in `routes()`: a
   * plugin's per-route option, a flag for your own hook. Type your keys by augmenting `RouteConfig`.
   */
  config?: RouteConfig
}

/** The object form of a route, for `app.route()`. */
export interface RouteDefinition<
  P extends string = string,
  S extends RouteSchema = {},
  I extends readonly string[] = readonly [],
  G extends readonly Guard<any>[] = readonly [],
> extends RouteOptions<S, I, G> {
  method: string | readonly string[]
  path: P
  handler: Handler<P, S, I, GuardedBy<G>>
}

/** A route definition with its types erased, as the table takes it. */
export type LooseDefinition = Omit<RouteDefinition<string, RouteSchema, readonly string[], readonly Guard<any>[]>, 'handler'> & { handler: AnyHandler }

/** The shorthand registrars (`app.get(path, [options], handler)`). */
export interface RouteShorthand<Self> {
  <P extends string>(path: P, handler: Handler<P>): Self
  <P extends string, const S extends RouteSchema = {}, const I extends readonly string[] = readonly [], const G extends readonly Guard<any>[] = readonly []>(
    path: P,
    options: RouteOptions<S, I, G>,
    handler: Handler<P, S, I, GuardedBy<G>>,
  ): Self
}

/** Route registration, shared by the app, groups and plugin facades. */
export interface Routes<Self> {
  get: RouteShorthand<Self>
  post: RouteShorthand<Self>
  put: RouteShorthand<Self>
  patch: RouteShorthand<Self>
  delete: RouteShorthand<Self>
  options: RouteShorthand<Self>
  head: RouteShorthand<Self>
  /** Registers a route from its object form; `method` may be an array. */
  route<
    P extends string,
    const S extends RouteSchema = {},
    const I extends readonly string[] = readonly [],
    const G extends readonly Guard<any>[] = readonly [],
  >(definition: RouteDefinition<P, S, I, G>): Self
  /** Registers a `@Controller` class: its routes, guards and contracts; constructed through the container at ready. */
  controller(target: abstract new (...args: any[]) => unknown): Self
}

/** A registered route; `id` is its index in the table and the id the kernel dispatches with. */
export interface Route {
  readonly id: number
  readonly method: string
  readonly path: string
  /** The pattern in the kernel's matchit syntax. */
  readonly pattern: string
  /** Param names in pattern order (the order the kernel sends values in); the wildcard is `*`. */
  readonly paramNames: readonly string[]
  readonly handler: AnyHandler
  /** -1 = inherit the app's. */
  readonly bodyLimit: number
  /** The kernel hands the body over as it arrives (`body: 'stream'`). */
  readonly streamBody: boolean
  /** -1 = inherit the app's. */
  readonly timeout: number
  readonly guards: readonly Guard[]
  readonly schema: object | undefined
  readonly inject: readonly string[]
  readonly docs: RouteDocs | undefined
  /** The `config` option, frozen (`req.routeConfig`). */
  readonly config: Readonly<RouteConfig> | undefined
  /** The scope the route was declared in (host.ts `Scope`); its hooks and guards apply. */
  readonly scope: unknown
  /** Who declared it: `app` or a plugin name. */
  readonly owner: string
  /** The compiled contract (the contract step sets it at ready), readable by plugins such as OpenAPI. */
  contract: Contract | undefined
  /** The response check of the route's contract (set at ready): the validated value to send, or it throws. */
  checkResponse: ((value: unknown) => unknown) | undefined
  /** Flattened per-route hooks compiled at ready; null = the fast path (nothing but the handler runs). */
  pipeline: CompiledPipeline | null
}

/** A compiled path. `shape` names no params, so `/a/:x` and `/a/:y` share it (same route for the router). */
export interface CompiledPath {
  pattern: string
  paramNames: string[]
  shape: string
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
// Query and fragment are never part of a route; controls and spaces are never valid in a path.
const BAD_PATH_CHARS = /[?#\s\x00-\x1f\x7f]/
// The plugin host extends this set with the route options plugins declare (contracts, config...).
const ROUTE_KEYS = new Set(['method', 'path', 'handler', 'bodyLimit', 'body', 'timeout', 'guards', 'schema', 'inject', 'docs', 'config'])
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Validates a path pattern and converts it to matchit syntax: `:id` -> `{id}`, a last `*` -> `{*wildcard}`,
 * literal braces escaped. Throws VEC_ERR_ROUTE_INVALID with the reason.
 */
export function compilePath(path: unknown): CompiledPath {
  if (typeof path !== 'string' || !path.startsWith('/')) fail(path, 'a path is a string starting with "/"')
  if (BAD_PATH_CHARS.test(path)) fail(path, 'a path has no "?", "#", spaces or control characters')
  const segments = path.split('/')
  const paramNames: string[] = []
  let pattern = ''
  let shape = ''
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]
    pattern += '/'
    shape += '/'
    if (seg.startsWith(':')) {
      const name = seg.slice(1)
      if (!PARAM_NAME.test(name)) {
        fail(path, `parameter "${seg}" must fill its whole segment and be named like [A-Za-z_][A-Za-z0-9_]*`)
      }
      if (paramNames.includes(name)) fail(path, `parameter ":${name}" appears twice`)
      paramNames.push(name)
      pattern += `{${name}}`
      shape += ':'
    } else if (seg.includes('*')) {
      if (seg !== '*' || i !== segments.length - 1) fail(path, '"*" is only allowed as the whole last segment')
      let name = 'wildcard'
      while (paramNames.includes(name)) name += '_'
      paramNames.push('*')
      pattern += `{*${name}}`
      shape += '*'
    } else {
      const literal = seg.replaceAll('{', '{{').replaceAll('}', '}}')
      pattern += literal
      shape += literal
    }
  }
  return { pattern, paramNames, shape }
}

/** Validates a method name (an HTTP token) and returns it upper-cased. */
export function checkMethod(method: unknown): string {
  if (typeof method !== 'string' || !METHOD.test(method)) {
    throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Method ${describe(method)} is not an HTTP token.`)
  }
  return method.toUpperCase()
}

/** A route method: one the kernel's router knows (METHODS); others can be requested but never routed. */
export function checkRouteMethod(method: unknown): string {
  const upper = checkMethod(method)
  if (!(METHODS as readonly string[]).includes(upper)) {
    throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Method ${upper} cannot be routed; use one of ${METHODS.join(', ')}.`)
  }
  return upper
}

/** The app's routes, indexed by route id. Refuses duplicates (same method and shape). */
export class RouteTable {
  readonly routes: Route[] = []
  readonly #byKey = new Map<string, Route>()
  #frozen = false

  /** Adds a definition (one route per method) declared in `scope` under `prefix`; throws VEC_ERR_APP_READY once frozen. */
  add(def: LooseDefinition, where: { scope: unknown; prefix: string; owner: string } = { scope: undefined, prefix: '', owner: 'app' }): void {
    if (this.#frozen) {
      throw new VectoraError('VEC_ERR_APP_READY', `Cannot add route ${String(def.method)} ${String(def.path)}: the app is ready.`)
    }
    for (const key of Object.keys(def)) {
      if (!ROUTE_KEYS.has(key)) {
        throw new VectoraError('VEC_ERR_INVALID_OPTION', `Unknown route option "${key}" on ${String(def.path)}; known: ${[...ROUTE_KEYS].join(', ')}.`)
      }
    }
    if (typeof def.handler !== 'function') {
      throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${String(def.path)} needs a handler function (got ${describe(def.handler)}).`)
    }
    const fullPath = where.prefix === '' ? def.path : def.path === '/' ? where.prefix : `${where.prefix}${def.path}`
    const compiled = compilePath(fullPath)
    const guards = def.guards ?? []
    if (!Array.isArray(guards) || guards.some((g) => typeof g !== 'function')) {
      throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${fullPath}: guards must be an array of functions.`)
    }
    const inject = def.inject ?? []
    if (!Array.isArray(inject) || inject.some((t) => typeof t !== 'string' || t === '')) {
      throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${fullPath}: inject must be an array of service tokens (strings).`)
    }
    if (def.schema !== undefined && (typeof def.schema !== 'object' || def.schema === null)) {
      throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${fullPath}: schema must be an object of arktype types.`)
    }
    const docs = checkRouteDocs(fullPath, def.docs)
    const config = routeConfigOf(fullPath, def.config)
    const bodyLimit = def.bodyLimit === undefined ? -1 : checkInteger('bodyLimit', def.bodyLimit, 0)
    if (def.body !== undefined && def.body !== 'buffer' && def.body !== 'stream') {
      throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${fullPath}: body must be 'buffer' or 'stream' (got ${JSON.stringify(def.body)}).`)
    }
    const streamBody = def.body === 'stream'
    const timeout = def.timeout === undefined ? -1 : checkInteger('timeout', def.timeout, 0)
    const methods = typeof def.method === 'string' ? [def.method] : def.method
    if (!Array.isArray(methods) || methods.length === 0) {
      throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${fullPath} needs a method or a non-empty array of methods.`)
    }
    const upper = [...new Set(methods.map(checkRouteMethod))]
    for (const method of upper) {
      const existing = this.#byKey.get(`${method} ${compiled.shape}`)
      if (existing !== undefined) {
        const by =
          existing.owner === 'vectora'
            ? `, the ${existing.path} health probe Vectora adds: move it (createApp({ health: { live: '/livez', ready: '/readyz' } })) or turn the probes off (createApp({ health: false }))`
            : existing.owner === where.owner
              ? ', registered before it'
              : `, registered before it by ${existing.owner}`
        throw new VectoraError('VEC_ERR_ROUTE_DUPLICATE', `Route ${method} ${fullPath} duplicates ${existing.method} ${existing.path}${by}.`)
      }
    }
    for (const method of upper) {
      const route: Route = {
        id: this.routes.length,
        method,
        path: fullPath,
        pattern: compiled.pattern,
        paramNames: compiled.paramNames,
        handler: def.handler,
        bodyLimit,
        streamBody,
        timeout,
        guards: [...guards],
        schema: def.schema,
        inject: [...inject],
        docs,
        config,
        scope: where.scope,
        owner: where.owner,
        contract: undefined,
        checkResponse: undefined,
        pipeline: null,
      }
      this.routes.push(route)
      this.#byKey.set(`${method} ${compiled.shape}`, route)
    }
  }

  /** Refuses further routes. */
  freeze(): void {
    this.#frozen = true
  }

  get frozen(): boolean {
    return this.#frozen
  }
}

function fail(path: unknown, reason: string): never {
  throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route path ${describe(path)} is invalid: ${reason}.`)
}

/** A route's `config`: a plain object, copied and frozen (one object for every method of the route). */
function routeConfigOf(path: string, config: unknown): Readonly<RouteConfig> | undefined {
  if (config === undefined) return undefined
  const proto = typeof config === 'object' && config !== null ? Object.getPrototypeOf(config) : undefined
  if (proto !== Object.prototype && proto !== null) {
    throw new VectoraError('VEC_ERR_ROUTE_INVALID', `Route ${path}: config must be a plain object of settings for hooks and plugins (got ${describe(config)}).`)
  }
  return Object.freeze({ ...(config as RouteConfig) })
}
