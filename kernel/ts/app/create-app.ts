/** @module app/create-app — the composition root: createApp() wires options, routes, the plugin host, services, lifecycle and the kernel. */
import { checkInteger, invalid } from '../base/check.js'
import { Services } from '../services/container.js'
import { ControllerRegistry } from '../controllers/register.js'
import { createDispatcher, type DispatchState } from '../server/dispatch.js'
import { isErrorCode, VectoraError, type ErrorCode } from '../base/catalogue.js'
import { installCrashPolicy } from '../lifecycle/crash.js'
import { checkTimings, healthRoutes } from '../lifecycle/health.js'
import { Readiness } from '../lifecycle/readiness.js'
import { createClientIp, createProtocol } from '../http/proxy.js'
import { contractStep } from '../contracts/step.js'
import { PluginHost } from '../host/host.js'
import type { Group, HostApi, PluginApp } from '../host/types.js'
import { guardsStep } from '../pipeline/guards-step.js'
import { inject, type InjectOptions, type InjectResponse } from '../server/inject.js'
import { ABORT_DRAIN, loadNative, type KernelStats, type ListenResult, type ServerHandle } from '../internal/native.js'
import { DRAIN_GRACE, Lifecycle, type LifecycleState, type ShutdownReport } from '../lifecycle/lifecycle.js'
import { isLogger, type Logger } from '../base/logger.js'
import { resolveOptions, toKernelOptions, type AppOptions, type ResolvedOptions } from './options.js'
import type { PlanEntry } from '../pipeline/compile.js'
import { routeMethods } from '../routing/registrar.js'
import { RouteTable, type Route, type Routes } from '../routing/route.js'
import { WorkerPool } from '../workers/pool.js'
import { routeSignature } from '../workers/protocol.js'
import { attachWorker, claimWorkerRole, listenAsWorker } from '../workers/thread.js'

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
export interface App extends HostApi<App>, Routes<App> {
  /** Runs async plugin setups, checks services, compiles every route's pipeline, boots the kernel, runs onReady hooks. Idempotent. */
  ready(): Promise<void>
  /** Starts listening (once per app). Resolves the bound address and port. Installs SIGTERM/SIGINT handlers unless `handleSignals: false`, and the process-level error policy unless `handleUncaught: false`. */
  listen(options?: ListenOptions): Promise<ListenResult>
  /** Sends a request through the real router, limits and pipeline without a socket. */
  inject(options: InjectOptions): Promise<InjectResponse>
  /** Graceful shutdown (docs/lifecycle.md); resolves what happened. Idempotent. */
  close(options?: CloseOptions): Promise<ShutdownReport>
  /** The resolved order of hooks for a route, as declared (`app.pipeline('GET', '/users/:id')`). Needs ready(). */
  pipeline(method: string, path: string): PlanEntry[]
  /**
   * The kernel's gauges and counters (open connections, requests queued for JavaScript, refusals, timeouts):
   * a few atomic loads, for metrics. Needs ready(); covers every thread with createApp({ workers }).
   */
  stats(): KernelStats
  /** The lifecycle state: starting, ready, listening, draining, closed. */
  readonly state: LifecycleState
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
  // On a worker thread of createApp({ workers }), the first app is that worker's: it answers the main
  // thread's server (workers/thread.ts).
  const role = claimWorkerRole()
  const clientIp = config.trustProxy === false ? undefined : createClientIp(config.trustProxy)
  const protocol = config.trustProxy === false ? undefined : createProtocol(config.trustProxy)
  const table = new RouteTable()
  const services = new Services()
  let log = config.logger
  const lifecycle = new Lifecycle({
    shutdownDelay: config.shutdownDelay,
    hookTimeout: config.hookTimeout,
    drainTimeout: config.drainTimeout,
    handleSignals: config.handleSignals,
    log: { error: (m, x) => log.error(m, x), warn: (m, x) => log.warn(m, x), info: (m, x) => log.info(m, x) },
    // The kernel answers the readiness probe itself (ahead of queued requests) from this flag; the main
    // thread's lifecycle alone sets it.
    onState: (now) => {
      if (now !== 'ready' && now !== 'listening') readiness.stop()
      tellServing()
    },
  })
  // Readiness checks services register (app.healthCheck): their last report rides on the probe's answer.
  let checksReport: string | undefined
  const readiness = new Readiness({
    ...checkTimings(config.health),
    development: config.development,
    log: () => log,
    onReport: (_healthy, report) => {
      checksReport = report
      tellServing()
    },
  })
  /** Tells the kernel what readiness answers: the lifecycle's state, and every critical check up. The main thread's app alone does. */
  function tellServing(): void {
    if (role !== undefined || state === undefined) return
    const now = lifecycle.state
    const up = (now === 'ready' || now === 'listening') && (readiness.size === 0 || readiness.healthy)
    state.kernel.serverServing(state.handle, up, checksReport)
  }
  const controllers = new ControllerRegistry(table, services)
  let state: DispatchState | undefined
  let abortPending: (reason: number) => number = () => 0
  let readyPromise: Promise<void> | undefined
  let listenPromise: Promise<ListenResult> | undefined
  let closePromise: Promise<ShutdownReport> | undefined
  let uninstallSignals: (() => void) | undefined
  let uninstallCrash: (() => void) | undefined
  let pool: WorkerPool | undefined

  const host: PluginHost = new PluginHost({
    table,
    services,
    // The built-ins plug into per-route compilation here: the host imports none of them.
    routeSteps: [guardsStep, contractStep(config.development)],
    log: () => log,
    setLog: (logger) => {
      log = logger
      if (state !== undefined) state.log = logger
    },
    stats: () => app.stats(),
    threads: config.workers,
    development: config.development,
    addHealthCheck: (name, check, options, owner) => readiness.add(name, check, options, owner),
    addLifecycle: (kind, hook) => (kind === 'ready' ? lifecycle.addReady(hook) : lifecycle.addClose(hook)),
    routesFor: (self, scope, owner) => {
      const site = { scope, prefix: scope.prefix, owner }
      return {
        ...routeMethods(table, site, self),
        controller(target) {
          controllers.register(target, site)
          return self()
        },
      }
    },
  })

  // The kernel answers the probes' paths itself (serverReady); the routes stay in the table so that no user
  // route takes their paths, app.routes() lists them, and their handlers say what the kernel answers.
  const probes = healthRoutes(
    config.health,
    () => lifecycle.state,
    () => readiness.size === 0 || readiness.healthy,
  )
  for (const route of probes) {
    table.add({ method: route.method, path: route.path, handler: route.handler }, { scope: host.root, prefix: '', owner: 'vectora' })
  }
  const probePath = (kind: 'ready' | 'live'): string => probes.find((route) => route.kind === kind)?.path ?? ''

  async function boot(): Promise<void> {
    if (closePromise !== undefined) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Cannot start an app after close().')
    await host.settle()
    table.freeze()
    const consumers = table.routes.filter((r) => r.inject.length > 0).map((r) => ({ who: `route ${r.method} ${r.path}`, tokens: r.inject }))
    services.check(consumers)
    const unmatched = host.compile(table.routes)
    const kernel = loadNative()
    const s: DispatchState = {
      kernel,
      handle: undefined as unknown as ServerHandle,
      idPrefix: role?.requestIdPrefix ?? config.requestIdPrefix,
      routes: table.routes,
      development: config.development,
      log,
      pending: new Map(),
      RequestClass: host.requestClass(),
      unmatched,
      createScope: () => services.createScope(),
      clientIp,
      protocol,
    }
    const dispatcher = createDispatcher(s)
    abortPending = dispatcher.abortPending
    const { dispatch, abort, stream } = dispatcher
    if (role !== undefined) {
      // A worker thread's app answers the main thread's server: its routes, limits and probes are the main's.
      s.handle = attachWorker(kernel, role, table.routes, [dispatch, abort, stream])
      state = s
    } else {
      s.handle = kernel.serverNew(toKernelOptions(config), dispatch, abort, stream)
      state = s
      for (const route of table.routes) {
        try {
          kernel.serverRoute(s.handle, route.method, route.pattern, route.id, route.bodyLimit, route.timeout, route.streamBody)
        } catch (cause) {
          throw refused(route, cause)
        }
      }
      // With app-wide hooks, 404/405 go through them (CORS, logs, metrics); else Rust answers them alone.
      kernel.serverReady(s.handle, unmatched !== null, probePath('ready'), probePath('live'))
    }
    host.flushLifecycle()
    await lifecycle.start()
    controllers.bindAll()
    if (role === undefined && readiness.size > 0) {
      // The first round decides readiness before the app listens; then a round every health.interval ms.
      await readiness.runOnce()
      readiness.start()
    }
  }

  const ready = (): Promise<void> => (readyPromise ??= boot())

  const extras = {
    ready,
    async listen(listenOptions: ListenOptions = {}) {
      const hostName = listenOptions.host ?? '127.0.0.1'
      const port = checkInteger('port', listenOptions.port ?? 3000, 0, 65_535)
      if (typeof hostName !== 'string' || hostName === '') throw invalid('host', 'a non-empty string', hostName)
      if (listenPromise !== undefined) throw new VectoraError('VEC_ERR_ALREADY_LISTENING', 'app.listen() was already called on this app.')
      if (closePromise !== undefined) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Cannot listen after close().')
      const attempt = ready().then(async () => {
        const { kernel, handle } = state!
        if (role !== undefined) {
          // The main thread binds; this thread takes its share of the requests from now on.
          const bound = await listenAsWorker(kernel, handle, (ms) => app.close({ deadline: ms }))
          lifecycle.markListening()
          return bound
        }
        // Worker threads start before the port is bound: a failed start leaves nothing listening.
        if (config.workers > 1) {
          if (config.workerModule === '') {
            throw new VectoraError(
              'VEC_ERR_WORKER_START',
              'createApp({ workers }) needs a module for its worker threads: there is no entry script (process.argv[1]); set workerModule.',
            )
          }
          pool = new WorkerPool({
            threads: config.workers - 1,
            module: config.workerModule,
            startTimeout: config.workerStartTimeout,
            kernel,
            handle,
            role: { server: kernel.serverId(handle), routes: routeSignature(table.routes), requestIdPrefix: config.requestIdPrefix },
            log: () => log,
          })
          await pool.start()
        }
        let bound: ListenResult
        try {
          bound = await kernel.serverListen(handle, hostName, port)
        } catch (cause) {
          await pool?.close(0, config.hookTimeout)
          const given = (cause as { code?: unknown } | null)?.code
          const code: ErrorCode = given === 'VEC_ERR_APP_CLOSED' ? given : 'VEC_ERR_LISTEN_FAILED'
          throw new VectoraError(code, `Could not listen on ${hostName}:${port} (${kernelMessage(cause)}).`, { cause })
        }
        pool?.bound(bound)
        lifecycle.markListening()
        uninstallSignals = lifecycle.installSignals(() => {
          void app.close().then((report) => process.exit(report.exitCode))
        })
        if (config.handleUncaught) uninstallCrash = installCrashPolicy({ log: () => log, shutdown: () => app.close() })
        return bound
      })
      listenPromise = attempt
      // Nothing is bound after a failure: a later listen() (another port, once the port is free) may try
      // again, and a boot error is reported again instead of VEC_ERR_ALREADY_LISTENING.
      attempt.catch(() => {
        if (listenPromise === attempt) listenPromise = undefined
      })
      return attempt
    },
    async inject(injectOptions: InjectOptions) {
      if (closePromise !== undefined) throw new VectoraError('VEC_ERR_APP_CLOSED', 'Cannot inject after close().')
      await ready()
      return inject(state!.kernel, state!.handle, injectOptions)
    },
    close(closeOptions: CloseOptions = {}) {
      if (closePromise !== undefined) return closePromise
      let deadline: number | undefined
      try {
        deadline = closeOptions.deadline === undefined ? undefined : checkInteger('deadline', closeOptions.deadline, 0)
      } catch (error) {
        return Promise.reject(error)
      }
      table.freeze()
      closePromise = (async () => {
        // A listen or ready in flight finishes (or fails) first, so the kernel never drains a half-built server.
        await listenPromise?.catch(() => {})
        await readyPromise?.catch(() => {})
        const report = await lifecycle.shutdown(
          {
            drain: async (ms) => {
              if (state === undefined) return { completed: 0, aborted: 0 }
              // A worker thread leaves the rotation and finishes what it holds; the main thread drains the server.
              const drained = await (role === undefined ? state.kernel.serverClose(state.handle, ms) : state.kernel.serverWithdraw(state.handle, ms))
              // Every request cut at the deadline sees req.signal abort before the drain step ends (and
              // before a signal handler exits the process), not whenever the kernel's message arrives.
              abortPending(ABORT_DRAIN)
              return drained
            },
            dispose: () => services.dispose(),
            closeWorkers: (ms) => pool?.close(ms, ms + config.hookTimeout + DRAIN_GRACE) ?? Promise.resolve([]),
          },
          deadline,
        )
        uninstallSignals?.()
        uninstallCrash?.()
        return report
      })()
      return closePromise
    },
    stats(): KernelStats {
      if (state === undefined) throw new VectoraError('VEC_ERR_APP_NOT_READY', 'app.stats() needs a ready app: await app.ready() first.')
      return state.kernel.serverStats(state.handle)
    },
    pipeline(method: string, path: string): PlanEntry[] {
      if (state === undefined) throw new VectoraError('VEC_ERR_APP_NOT_READY', 'app.pipeline() needs a ready app: await app.ready() first.')
      const route = table.routes.find((r) => r.method === method.toUpperCase() && r.path === path)
      if (route === undefined)
        throw new VectoraError('VEC_ERR_ROUTE_INVALID', `No route ${method.toUpperCase()} ${path}; give the path as declared (e.g. /users/:id).`)
      return host.plan(route)
    },
    get state() {
      return lifecycle.state
    },
    config,
  }
  // defineProperties, not Object.assign: the `state` getter must stay a getter.
  const app = Object.defineProperties(host.facade<App>(host.root, 'app'), Object.getOwnPropertyDescriptors(extras)) as unknown as App
  Object.defineProperty(app, 'log', {
    get: () => log,
    set(logger: Logger) {
      if (!isLogger(logger)) throw invalid('log', 'an object with error, warn and info functions', logger)
      log = logger
      if (state !== undefined) state.log = logger
    },
  })
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

export type { Group, PluginApp, Routes }
