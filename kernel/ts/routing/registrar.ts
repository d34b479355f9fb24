/**
 * @module routing/registrar — the route methods every facade offers (`get`, `post`, ..., `route`), bound to
 * one scope and owner, writing into the app's route table. The plugin host hands them to each facade it
 * builds; nothing calls back into the app.
 */
import { invalid } from '../base/check.js'
import type { AnyHandler, LooseDefinition, RouteOptions, RouteShorthand, RouteTable, Routes } from './route.js'

/** Where a facade's routes land: its scope (host Scope), path prefix and owner (`app` or a plugin name). */
export interface RouteSite {
  readonly scope: unknown
  readonly prefix: string
  readonly owner: string
}

/** Route methods for `site`; `self` is what each returns (the facade, for chaining). `controller` is added by the caller. */
export type RouteMethods<Self> = Omit<Routes<Self>, 'controller'>

/**
 * The route methods of a facade.
 *
 * @example
 * const routes = routeMethods(table, { scope, prefix: '/admin', owner: 'app' }, () => group)
 * routes.get('/stats', () => ({ ok: true })) // GET /admin/stats
 */
export function routeMethods<Self>(table: RouteTable, site: RouteSite, self: () => Self): RouteMethods<Self> {
  const shorthand = (method: string): RouteShorthand<Self> =>
    ((path: string, second: RouteOptions | AnyHandler, third?: AnyHandler) => {
      const [routeOptions, handler] = typeof second === 'function' ? [undefined, second] : [second, third]
      table.add({ ...routeOptions, method, path, handler: handler as AnyHandler }, site)
      return self()
    }) as RouteShorthand<Self>
  return {
    get: shorthand('GET'),
    post: shorthand('POST'),
    put: shorthand('PUT'),
    patch: shorthand('PATCH'),
    delete: shorthand('DELETE'),
    options: shorthand('OPTIONS'),
    head: shorthand('HEAD'),
    route(definition) {
      if (definition === null || typeof definition !== 'object') throw invalid('route', 'an object', definition)
      table.add(definition as unknown as LooseDefinition, site)
      return self()
    },
  }
}
