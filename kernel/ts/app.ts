/** @module app — the composition root: createApp() wires options, routes, dispatch, inject and the kernel. */
import { createDispatcher, type DispatchState } from './dispatch.js'
import { isErrorCode, VectoraError, type ErrorCode } from './error-catalogue.js'
import { inject, type InjectOptions, type InjectResponse } from './inject.js'
import { loadNative, type DrainResult, type ListenResult, type ServerHandle } from './internal/native.js'
import { isLogger, type Logger } from './logger.js'
import { checkInteger, invalid, resolveOptions, toKernelOptions, type AppOptions, type ResolvedOptions } from './options.js'
import {
  RouteTable, type Handler, type Route, type RouteDefinition, type RouteOptions, type RouteShorthand,
} from './route.js'

/** Where `app.listen()` binds. */
export interface ListenOptions {
  /** Default `127.0.0.1` (loopback only); use `0.0.0.0` or `::` to accept outside connections. */
  host?: string
  /** Default 3000; 0 lets the system pick a free port (read it from the result). */
  port?: number
}

/** Options of `app.close()`. */
export interface CloseOptions {
  /** Milliseconds in-flight requests get before they are aborted. Default: the app's `drainTimeout`. */
  deadline?: number
}

/** A Vectora application. */
export interface App {
  get: RouteShorthand<App>
  post: RouteShorthand<App>
  put: RouteShorthand<App>
  patch: RouteShorthand<App>
  delete: RouteShorthand<App>
  options: RouteShorthand<App>
  head: RouteShorthand<App>
  /** Registers a route from its object form; `method` may be an array. */
  route<P extends string>(definition: RouteDefinition<P>): App
  /** Freezes the routes and hands them to the kernel. Idempotent; listen() and inject() call it. */
  ready(): Promise<void>
  /** Starts listening (once per app). Resolves the bound address and port. */
  listen(options?: ListenOptions): Promise<ListenResult>
  /** Sends a request through the real router and limits without a socket. */
  inject(options: InjectOptions): Promise<InjectResponse>
  /** Graceful drain; resolves how many in-flight requests completed and how many were aborted. Idempotent. */
  close(options?: CloseOptions): Promise<DrainResult>
  /** The app's logger (unhandled errors go here); assign to replace it. */
  log: Logger
  /** The resolved options, defaults applied. */
  readonly config: ResolvedOptions
}

/**
 * Creates an app. Nothing touches the kernel binary until `ready()` (called by `listen()` and `inject()`).
 *
 * @example
 * const app = createApp({ bodyLimit: 1_048_576 })
 * app.get('/users/:id', (req) => ({ id: req.params.id }))
 * const { port } = await app.listen({ port: 0 })
 * await app.close()
 */
export function createApp(options?: AppOptions): App {
  const config = resolveOptions(options)
  const table = new RouteTable()
  let log = config.logger
  let state: DispatchState | undefined
  let readyPromise: Promise<void> | undefined
  let listenPromise: Promise<ListenResult> | undefined
  let closePromise: Promise<DrainResult> | undefined

  function boot(): void {
    if (closePromise !== undefined) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Cannot start an app after close().')
    table.freeze()
    const kernel = loadNative()
    const s: DispatchState = {
      kernel, handle: undefined as unknown as ServerHandle, idPrefix: config.requestIdPrefix,
      routes: table.routes, development: config.development, log, pending: new Map(),
    }
    const { dispatch, abort } = createDispatcher(s)
    s.handle = kernel.serverNew(toKernelOptions(config), dispatch, abort)
    state = s
    for (const route of table.routes) {
      try {
        kernel.serverRoute(s.handle, route.method, route.pattern, route.id, route.bodyLimit, route.timeout)
      } catch (cause) {
        throw refused(route, cause)
      }
    }
    kernel.serverReady(s.handle, false)
  }

  const ready = (): Promise<void> => (readyPromise ??= new Promise<void>((resolve) => {
    boot()
    resolve()
  }))

  function shorthand(method: string): RouteShorthand<App> {
    return ((path: string, second: RouteOptions | Handler, third?: Handler) => {
      const [routeOptions, handler] = typeof second === 'function' ? [undefined, second] : [second, third]
      table.add({ ...routeOptions, method, path, handler: handler as Handler })
      return app
    }) as RouteShorthand<App>
  }

  const app: App = {
    get: shorthand('GET'),
    post: shorthand('POST'),
    put: shorthand('PUT'),
    patch: shorthand('PATCH'),
    delete: shorthand('DELETE'),
    options: shorthand('OPTIONS'),
    head: shorthand('HEAD'),
    route(definition) {
      if (definition === null || typeof definition !== 'object') throw invalid('route', 'an object', definition)
      table.add(definition)
      return app
    },
    ready,
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? '127.0.0.1'
      const port = checkInteger('port', listenOptions.port ?? 3000, 0, 65_535)
      if (typeof host !== 'string' || host === '') throw invalid('host', 'a non-empty string', host)
      if (listenPromise !== undefined) {
        throw new VectoraError('VEC_ERR_ALREADY_LISTENING', 'app.listen() was already called on this app.')
      }
      if (closePromise !== undefined) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Cannot listen after close().')
      listenPromise = ready().then(async () => {
        try {
          return await state!.kernel.serverListen(state!.handle, host, port)
        } catch (cause) {
          const given = (cause as { code?: unknown } | null)?.code
          const code: ErrorCode = given === 'VEC_ERR_APP_CLOSED' ? given : 'VEC_ERR_LISTEN_FAILED'
          throw new VectoraError(code, `Could not listen on ${host}:${port} (${kernelMessage(cause)}).`, { cause })
        }
      })
      return listenPromise
    },
    async inject(injectOptions) {
      if (closePromise !== undefined) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Cannot inject after close().')
      await ready()
      return inject(state!.kernel, state!.handle, injectOptions)
    },
    close(closeOptions = {}) {
      if (closePromise !== undefined) return closePromise
      let deadline: number
      try {
        deadline = closeOptions.deadline === undefined ? config.drainTimeout : checkInteger('deadline', closeOptions.deadline, 0)
      } catch (error) {
        return Promise.reject(error)
      }
      table.freeze()
      closePromise = (async () => {
        // A listen in flight finishes (or fails) first, so the kernel never drains a half-bound server.
        await listenPromise?.catch(() => {})
        if (state === undefined) return { completed: 0, aborted: 0 }
        return state.kernel.serverClose(state.handle, deadline)
      })()
      return closePromise
    },
    get log() {
      return log
    },
    set log(logger: Logger) {
      if (!isLogger(logger)) throw invalid('log', 'an object with error, warn and info functions', logger)
      log = logger
      if (state !== undefined) state.log = logger
    },
    config,
  }
  return app
}

/** The kernel's router refused a route (a conflict matchit sees and the TS checks did not). */
function refused(route: Route, cause: unknown): VectoraError {
  const given = (cause as { code?: unknown } | null)?.code
  const code: ErrorCode = isErrorCode(given) && given.startsWith('VEC_ERR_ROUTE_') ? given : 'VEC_ERR_ROUTE_INVALID'
  return new VectoraError(code, `The router refused ${route.method} ${route.path} (${kernelMessage(cause)}).`, { cause })
}

/** The kernel's message without its code prefix, for context only (Rust error text is never an API). */
function kernelMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message.replace(/^VEC_ERR_[A-Z_]+: /, '') : String(cause)
}
