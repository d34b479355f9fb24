/**
 * @module controllers/register — `app.controller(Class)`: a @Controller class's routes go into the route
 * table, the class is provided to the container (its `inject` tokens reach the constructor), and at ready
 * each controller is constructed once and bound to its routes.
 */
import type { RouteSite } from '../routing/registrar.js'
import type { RouteTable } from '../routing/route.js'
import type { Services } from '../services/container.js'
import { readController } from './decorators.js'

/** The app's controllers: registers classes, and binds their instances at ready. */
export class ControllerRegistry {
  readonly #table: RouteTable
  readonly #services: Services
  readonly #bindings: Array<{ token: string; bind: (instance: any) => void }> = []

  constructor(table: RouteTable, services: Services) {
    this.#table = table
    this.#services = services
  }

  /**
   * Registers `target`'s routes at `site` (controller guards first, then each route's own) and provides the
   * class to the container. Throws VEC_ERR_CONTROLLER_INVALID for a class without @Controller or routes.
   *
   * @example
   * controllers.register(UserController, { scope, prefix: '', owner: 'app' })
   */
  register(target: abstract new (...args: any[]) => unknown, site: RouteSite): void {
    const read = readController(target)
    const token = `controller:${target.name || 'anonymous'}#${this.#bindings.length}`
    let instance: any
    this.#services.provide(token, { deps: read.options.inject ?? [], factory: (deps) => new (target as any)(deps) }, site.owner)
    this.#bindings.push({ token, bind: (value) => (instance = value) })
    const controllerGuards = read.options.guards ?? []
    for (const r of read.routes) {
      const { guards = [], ...rest } = r.options
      this.#table.add(
        { ...rest, method: r.method, path: r.path, guards: [...controllerGuards, ...guards], handler: (req, deps) => instance[r.propertyKey](req, deps) },
        site,
      )
    }
  }

  /** At ready, after the container is checked: constructs every controller (singletons) and binds it. */
  bindAll(): void {
    for (const b of this.#bindings) b.bind(this.#services.resolve(b.token))
  }
}
