/** @module guard — guards: route, group and controller checks that allow (true) or forbid (false -> 403) a request. */
import { httpError } from './errors.js'
import type { HookEntry } from './pipeline.js'
import type { VectoraRequest } from './request.js'

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

/**
 * The authorize-phase hook that runs a route's guards in order: the enclosing groups' and controller's
 * first, the route's own last. Ordered after plugin authorize hooks of the same stage (registered later).
 */
export function guardHook(guards: readonly Guard[], seq: number): HookEntry {
  const fn = async (req: VectoraRequest<any>): Promise<undefined> => {
    for (const guard of guards) {
      const allowed = await guard(req)
      if (allowed !== true) {
        if (allowed !== false) {
          throw new TypeError(`Guard ${guard.name || '(anonymous)'} returned ${typeof allowed}; a guard returns true or false.`)
        }
        // The guard's name stays out of the public detail (it names internals); the cause carries it for logs.
        throw httpError('VEC_ERR_FORBIDDEN', undefined, { cause: new Error(`guard ${guard.name || '(anonymous)'} returned false`) })
      }
    }
    return undefined
  }
  return { phase: 'authorize', fn, owner: 'vectora', name: 'guards', before: [], after: [], stage: 0, timeout: undefined, seq }
}
