/** @module controllers/decorators — controllers: classes whose methods are routes, declared with TC39 standard decorators. */
import { checkInteger, describe, invalid } from '../base/check.js'
import type { RouteSchema } from '../contracts/types.js'
import { VectoraError } from '../base/catalogue.js'
import type { Guard } from '../pipeline/guards.js'
import type { RouteConfig } from '../http/request.js'
import type { RouteDocs } from '../routing/docs.js'

/** Options of `@Controller(prefix, options)`; they apply to every route of the class. */
export interface ControllerOptions {
  /** Guards run before each route's own guards. */
  guards?: readonly Guard[]
  /** Service tokens the constructor receives as one object: `constructor({ users, clock })`. */
  inject?: readonly string[]
}

/** Options of a route decorator (`@Get(path, options)`). */
export interface RouteDecoratorOptions {
  /** Guards run after the controller's. */
  guards?: readonly Guard[]
  /** Contract of the route (params, query, headers, body, response). */
  schema?: RouteSchema
  /** Service tokens this route needs, resolved per request; app.controller() hands them to the method. */
  inject?: readonly string[]
  /** Largest request body, bytes (0 = no limit). */
  bodyLimit?: number
  /** Handler deadline, ms (0 = none). */
  timeout?: number
  /** What an API description says about the route (checked when the controller is registered). */
  docs?: RouteDocs
  /** Settings for the hooks and plugins on the route (`req.routeConfig`). */
  config?: RouteConfig
}

/** One route of a controller, as `readController()` lists it. */
export interface ControllerRoute {
  /** Upper-case method: GET, POST... */
  readonly method: string
  /** The controller prefix joined with the decorator path. */
  readonly path: string
  /** The decorated method's name; call it on the controller instance. */
  readonly propertyKey: string | symbol
  readonly options: RouteDecoratorOptions
}

/** What `app.controller(Class)` reads from a decorated class. */
export interface ControllerDefinition {
  readonly prefix: string
  readonly options: ControllerOptions
  /** In source order; several decorators on one method give several routes. */
  readonly routes: readonly ControllerRoute[]
}

/** The type of `@Controller(...)`. */
export type ControllerDecorator = <C extends abstract new (...args: any) => any>(target: C, context: ClassDecoratorContext<C>) => void
/** The type of `@Get(...)` and the other route decorators. */
export type RouteDecorator = (method: Function, context: ClassMethodDecoratorContext) => void

/** A route decorator applied to a method, waiting for its class decorator. */
interface Pending {
  /** Application order across all classes. */
  readonly seq: number
  readonly method: string
  readonly path: string
  readonly key: string | symbol
  readonly value: Function
  readonly options: RouteDecoratorOptions
}

/**
 * How a route decorator finds its class without `Symbol.metadata` (Node 20 lacks it, and tsc then passes no
 * `context.metadata`): a class's `@Controller(...)` expression is evaluated before its member decorators are
 * applied, those are applied one after the other (a class defined inside a decorator expression is finished
 * before they start), and the class decorator is applied last. So @Controller claims the pending route
 * decorators applied since its own expression was evaluated (`seq` above the mark it took), keeping the
 * tail whose methods the class declares (this also covers a @Controller(...) value reused on two classes).
 * Earlier ones came from a class without @Controller: they are dropped, and readController reports that
 * class when it is used.
 */
let pending: Pending[] = []
let seq = 0
const controllers = new WeakMap<Function, ControllerDefinition>()

const CONTROLLER_KEYS = new Set(['guards', 'inject'])
const ROUTE_KEYS = new Set(['guards', 'schema', 'inject', 'bodyLimit', 'timeout', 'docs', 'config'])

/**
 * Marks a class as a controller: its decorated methods become routes under `prefix`.
 *
 * @example
 * @Controller('/users', { inject: ['users'] })
 * class UserController {
 *   constructor(private deps: { users: UserService }) {}
 *   @Get('/:id') show(req: VectoraRequest<{ id: string }>) { return this.deps.users.find(req.params.id) }
 * }
 * app.controller(UserController)
 */
export function Controller(prefix: string, options: ControllerOptions = {}): ControllerDecorator {
  const cleanPrefix = checkPrefix(prefix)
  const cleanOptions = checkControllerOptions(options)
  const since = seq
  return (target, context) => {
    const mine = claimPending(target, since)
    if (context?.kind !== 'class' || typeof target !== 'function') {
      throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', '@Controller() decorates classes only.')
    }
    if (controllers.has(target)) {
      throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `Class ${className(target)} has @Controller twice; keep one.`)
    }
    const routes = mine.map(
      (p): ControllerRoute =>
        Object.freeze({
          method: p.method,
          path: joinPath(cleanPrefix, p.path),
          propertyKey: p.key,
          options: p.options,
        }),
    )
    controllers.set(target, Object.freeze({ prefix: cleanPrefix, options: cleanOptions, routes: Object.freeze(routes) }))
  }
}

/**
 * The prefix, options and routes of a @Controller class, for `app.controller()`. Throws
 * VEC_ERR_CONTROLLER_INVALID when the class has no @Controller or no route.
 *
 * @example
 * readController(UserController).routes // [{ method: 'GET', path: '/users/:id', propertyKey: 'show', options: {} }]
 */
export function readController(target: Function): ControllerDefinition {
  if (typeof target !== 'function') {
    throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `app.controller() takes a class (got ${describe(target)}).`)
  }
  const definition = controllers.get(target)
  if (definition === undefined) {
    throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `Class ${className(target)} is not a controller: add @Controller('/prefix') above it.`)
  }
  if (definition.routes.length === 0) {
    throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `Controller ${className(target)} has no routes (routes are not inherited from base classes).`)
  }
  return definition
}

/**
 * A GET route; `path` is joined to the controller prefix (`''` or `'/'` = the prefix itself).
 *
 * @example
 * @Get('/:id', { guards: [isAdmin] }) show(req) { ... }
 */
export function Get(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('GET', path, options)
}

/** A POST route. @example @Post('/', { schema: { body: NewUser } }) create(req) { ... } */
export function Post(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('POST', path, options)
}

/** A PUT route. @example @Put('/:id') replace(req) { ... } */
export function Put(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('PUT', path, options)
}

/** A PATCH route. @example @Patch('/:id') update(req) { ... } */
export function Patch(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('PATCH', path, options)
}

/** A DELETE route. @example @Delete('/:id') remove(req) { ... } */
export function Delete(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('DELETE', path, options)
}

/** An OPTIONS route. @example @Options('/') describe() { ... } */
export function Options(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('OPTIONS', path, options)
}

/** A HEAD route. @example @Head('/:id') exists(req) { ... } */
export function Head(path?: string, options?: RouteDecoratorOptions): RouteDecorator {
  return route('HEAD', path, options)
}

/**
 * Joins a controller prefix and a route path: `/users` + `/:id` = `/users/:id`; `/users` + `''` or `/` =
 * `/users`; `/` + `/x` = `/x`.
 */
export function joinPath(prefix: string, path: string): string {
  if (path === '' || path === '/') return prefix
  return prefix === '/' ? path : prefix + path
}

function route(method: string, path: string = '', options: RouteDecoratorOptions = {}): RouteDecorator {
  const cleanPath = checkRoutePath(method, path)
  const cleanOptions = checkRouteOptions(method, options)
  return (value, context) => {
    const where = `@${decoratorName(method)}(${JSON.stringify(path)})`
    const reject = (detail: string): never => {
      pending = [] // the class being defined fails; its other decorators must not leak into the next one
      throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `${where} ${detail}`)
    }
    if (context?.kind !== 'method' || typeof value !== 'function') reject('decorates methods only.')
    const name = typeof context.name === 'symbol' ? context.name.toString() : context.name
    if (context.static) reject(`is on static method ${name}(); routes are instance methods (app.controller() creates the instance).`)
    if (context.private) reject(`is on private method ${name}(); routes must be public methods.`)
    pending.push({ seq: ++seq, method, path: cleanPath, key: context.name, value, options: cleanOptions })
  }
}

/** Takes the pending route decorators that belong to `target` (the tail whose methods it declares). */
function claimPending(target: Function, since: number): Pending[] {
  const list = pending.filter((p) => p.seq > since)
  pending = []
  const proto = (target as { prototype?: unknown }).prototype
  if (typeof proto !== 'object' || proto === null) return []
  let start = list.length
  while (start > 0 && typeof Object.getOwnPropertyDescriptor(proto, list[start - 1]!.key)?.value === 'function') start--
  return list.slice(start)
}

function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) {
    throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `@Controller() takes a prefix starting with "/" (got ${describe(prefix)}).`)
  }
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.replace(/\/+$/, '') || '/' : prefix
}

function checkRoutePath(method: string, path: unknown): string {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new VectoraError('VEC_ERR_CONTROLLER_INVALID', `@${decoratorName(method)}() takes a path that is empty or starts with "/" (got ${describe(path)}).`)
  }
  return path
}

function checkControllerOptions(options: unknown): ControllerOptions {
  const o = checkObject('@Controller() options', options, CONTROLLER_KEYS)
  return Object.freeze({
    ...(o.guards !== undefined && { guards: checkGuards('guards', o.guards) }),
    ...(o.inject !== undefined && { inject: checkTokens('inject', o.inject) }),
  })
}

function checkRouteOptions(method: string, options: unknown): RouteDecoratorOptions {
  const o = checkObject(`@${decoratorName(method)}() options`, options, ROUTE_KEYS)
  if (o.schema !== undefined && (o.schema === null || typeof o.schema !== 'object')) throw invalid('schema', 'an object', o.schema)
  return Object.freeze({
    ...(o.guards !== undefined && { guards: checkGuards('guards', o.guards) }),
    ...(o.schema !== undefined && { schema: o.schema as RouteSchema }),
    ...(o.inject !== undefined && { inject: checkTokens('inject', o.inject) }),
    ...(o.bodyLimit !== undefined && { bodyLimit: checkInteger('bodyLimit', o.bodyLimit, 0) }),
    ...(o.timeout !== undefined && { timeout: checkInteger('timeout', o.timeout, 0) }),
    ...(o.docs !== undefined && { docs: o.docs as RouteDocs }),
    // Checked where the route is added (a plain object, frozen), as for app.get().
    ...(o.config !== undefined && { config: o.config as RouteConfig }),
  })
}

function checkObject(what: string, value: unknown, keys: ReadonlySet<string>): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(what, 'an object', value)
  for (const key of Object.keys(value)) {
    if (!keys.has(key)) throw invalid(`${what}.${key}`, `one of ${[...keys].join(', ')} (unknown option)`, (value as Record<string, unknown>)[key])
  }
  return value as Record<string, unknown>
}

function checkGuards(name: string, guards: unknown): readonly Guard[] {
  if (!Array.isArray(guards) || !guards.every((g) => typeof g === 'function')) throw invalid(name, 'an array of functions', guards)
  return Object.freeze([...guards]) as readonly Guard[]
}

function checkTokens(name: string, tokens: unknown): readonly string[] {
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string' && t !== '')) throw invalid(name, 'an array of non-empty strings', tokens)
  return Object.freeze([...tokens]) as readonly string[]
}

function decoratorName(method: string): string {
  return method[0] + method.slice(1).toLowerCase()
}

function className(target: Function): string {
  return target.name || '(anonymous class)'
}
