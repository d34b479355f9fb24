/** @module lifecycle/lifecycle — the app's lifecycle state machine: onReady hooks, the graceful shutdown sequence, signals. */
import { checkInteger, describe, invalid } from '../base/check.js'
import { VectoraError } from '../base/catalogue.js'
import { createLogger, isLogger, type Logger } from '../base/logger.js'

/**
 * Where the app is. `starting` until every onReady hook resolved, `ready` (routes frozen, inject works),
 * `listening` (bound to a port), `draining` (shutdown began: readiness answers 503), `closed` (final).
 */
export type LifecycleState = 'starting' | 'ready' | 'listening' | 'draining' | 'closed'

/** The step of the lifecycle an error came from. */
export type LifecycleStep = 'onReady' | 'onClose' | 'drain' | 'dispose'

/**
 * An onReady or onClose hook. `owner` is the plugin name (or `app`) and is named in every error about it.
 *
 * @example
 * lifecycle.addClose({ owner: '@vectora/db', fn: () => pool.end(), timeout: 5_000 })
 */
export interface LifecycleHook {
  /** Plugin name, or `app` for the application's own hooks. */
  owner: string
  fn: () => unknown
  /** Milliseconds this hook may take (>= 1). Default: the lifecycle's `hookTimeout`. */
  timeout?: number
}

/** One failure during shutdown, attributed to the plugin (or step) that caused it. */
export interface ShutdownError {
  owner: string
  step: LifecycleStep
  error: Error
}

/** What `shutdown()` did. It never rejects: every failure is an entry of `errors`. */
export interface ShutdownReport {
  /** In-flight requests that finished during the drain. */
  completed: number
  /** In-flight requests still running at the drain deadline, aborted through their `req.signal`. */
  aborted: number
  errors: ShutdownError[]
  /** 1 when `errors` is not empty: what a process that shuts down because of a signal should exit with. */
  exitCode: 0 | 1
}

/** The two steps of shutdown the lifecycle does not own: the kernel's drain and the container's disposal. */
export interface ShutdownSteps {
  /** Stops accepting, lets in-flight requests finish until `deadline` ms, aborts the rest. */
  drain: (deadline: number) => Promise<{ completed: number; aborted: number }>
  /** Disposes app-lifetime services; resolves the errors of the disposers that failed (never rejects). */
  dispose: () => Promise<Error[]>
  /**
   * Closes the worker threads' apps (createApp({ workers })), after the drain and before this app's onClose
   * hooks; resolves their failures, already attributed (never rejects).
   */
  closeWorkers?: (deadline: number) => Promise<ShutdownError[]>
}

/** Options of `new Lifecycle()`. Durations are milliseconds. */
export interface LifecycleOptions {
  /** Time between "readiness turns 503" and "stop accepting", for load balancers to notice. Default 0. */
  shutdownDelay?: number
  /** Default time each onReady/onClose hook may take (>= 1). Default 10 000. */
  hookTimeout?: number
  /** Default drain deadline of `shutdown()`. Default 10 000. */
  drainTimeout?: number
  /** Whether `installSignals()` installs SIGTERM/SIGINT handlers. Default true. */
  handleSignals?: boolean
  /** Where hook failures are logged. Default: JSON lines on stderr. */
  log?: Logger
  /** Called with each new state, as it is entered (the app tells the kernel what readiness answers). Must not throw. */
  onState?: (state: LifecycleState) => void
}

/**
 * Time the drain step gets past its deadline before it counts as hung. The kernel aborts what is left at
 * the deadline; this covers the abort itself. Past it the report says so and shutdown goes on.
 */
export const DRAIN_GRACE = 1_000

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/** The outcome of a bounded step: its value, what it threw, or a timeout error. */
type Settled<T> = { ok: true; value: T } | { ok: false; thrown: unknown; timedOut: boolean }

/**
 * The lifecycle of one app. The app calls `start()` at ready, `markListening()` once bound, and
 * `shutdown()` from close() or a signal; plugins add onReady/onClose hooks through the app.
 *
 * @example
 * const lifecycle = new Lifecycle({ shutdownDelay: 5_000 })
 * lifecycle.addClose({ owner: 'app', fn: () => queue.stop() })
 * await lifecycle.start()
 * lifecycle.installSignals(() => void lifecycle.shutdown({ drain, dispose }).then((r) => (process.exitCode = r.exitCode)))
 */
export class Lifecycle {
  readonly #shutdownDelay: number
  readonly #hookTimeout: number
  readonly #drainTimeout: number
  readonly #handleSignals: boolean
  readonly #log: Logger
  readonly #onState: ((state: LifecycleState) => void) | undefined
  readonly #readyHooks: LifecycleHook[] = []
  readonly #closeHooks: LifecycleHook[] = []
  #state: LifecycleState = 'starting'
  #starting: Promise<void> | undefined
  #closing: Promise<ShutdownReport> | undefined
  #uninstallSignals: (() => void) | undefined

  constructor(options: LifecycleOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalid('lifecycle', 'an object', options)
    const { shutdownDelay = 0, hookTimeout = 10_000, drainTimeout = 10_000, handleSignals = true, log, onState } = options
    this.#shutdownDelay = checkInteger('shutdownDelay', shutdownDelay, 0)
    this.#hookTimeout = checkInteger('hookTimeout', hookTimeout, 1)
    this.#drainTimeout = checkInteger('drainTimeout', drainTimeout, 0)
    if (typeof handleSignals !== 'boolean') throw invalid('handleSignals', 'a boolean', handleSignals)
    if (log !== undefined && !isLogger(log)) throw invalid('log', 'an object with error, warn and info functions', log)
    if (onState !== undefined && typeof onState !== 'function') throw invalid('onState', 'a function', onState)
    this.#onState = onState
    this.#handleSignals = handleSignals
    this.#log = log ?? createLogger()
  }

  /** The current state. */
  get state(): LifecycleState {
    return this.#state
  }

  #enter(state: LifecycleState): void {
    this.#state = state
    this.#onState?.(state)
  }

  /** Adds an onReady hook; they run in registration order. Throws VEC_ERR_APP_READY once start() was called. */
  addReady(hook: LifecycleHook): void {
    checkHook('onReady', hook)
    if (this.#starting !== undefined || this.#state !== 'starting') {
      throw new VectoraError('VEC_ERR_APP_READY', `Cannot add an onReady hook (owner "${hook.owner}") after the app started.`)
    }
    this.#readyHooks.push({ ...hook })
  }

  /** Adds an onClose hook; they run in reverse registration order. Throws VEC_ERR_APP_CLOSED once shutdown began. */
  addClose(hook: LifecycleHook): void {
    checkHook('onClose', hook)
    if (this.#closing !== undefined) {
      throw new VectoraError('VEC_ERR_APP_CLOSED', `Cannot add an onClose hook (owner "${hook.owner}") after shutdown began.`)
    }
    this.#closeHooks.push({ ...hook })
  }

  /**
   * Runs the onReady hooks in registration order (= plugin dependency order), each within its timeout,
   * then moves to `ready`. A hook that throws rejects with VEC_ERR_LIFECYCLE_HOOK_FAILED (the error is the
   * `cause`), one that does not settle in time with VEC_ERR_LIFECYCLE_HOOK_TIMEOUT; both name the owner and
   * the later hooks do not run. Idempotent: every call returns the same promise.
   */
  start(): Promise<void> {
    return (this.#starting ??= this.#runReady())
  }

  /** Moves `ready` to `listening` (a no-op once shutdown began). */
  markListening(): void {
    if (this.#state === 'ready') this.#enter('listening')
    else if (this.#state === 'starting') throw new Error('Lifecycle.markListening() was called before start() resolved.')
  }

  /**
   * The shutdown sequence, once: `draining` (readiness answers 503) → wait `shutdownDelay` (only if the app
   * was ready, so load balancers may have routed to it) → `drain(deadline)` → the worker threads' apps
   * close (`closeWorkers`, with createApp({ workers })) → onClose hooks in reverse
   * registration order, each within its timeout (a failing or hanging one is reported and the rest still
   * run) → `dispose()` → `closed`, signal handlers removed. Never rejects and never hangs: every step is
   * bounded and every failure lands in the report. Idempotent: later calls return the same promise.
   */
  shutdown(steps: ShutdownSteps, deadline: number = this.#drainTimeout): Promise<ShutdownReport> {
    if (this.#closing !== undefined) return this.#closing
    if (steps === null || typeof steps !== 'object' || typeof steps.drain !== 'function' || typeof steps.dispose !== 'function') {
      throw invalid('steps', 'an object with drain and dispose functions', steps)
    }
    checkInteger('deadline', deadline, 0)
    return (this.#closing = this.#runShutdown(steps, deadline))
  }

  /**
   * Installs SIGTERM and SIGINT handlers (only when `handleSignals`) that call `onSignal` on the first
   * signal; a second signal forces `process.exit(1)` (an operator pressing Ctrl-C twice means it). The
   * handlers are removed when shutdown completes, or by the returned function. Installing again replaces
   * the previous handlers.
   *
   * @example
   * lifecycle.installSignals(async () => { process.exitCode = (await app.close()).exitCode })
   */
  installSignals(onSignal: (signal: NodeJS.Signals) => void): () => void {
    if (typeof onSignal !== 'function') throw invalid('onSignal', 'a function', onSignal)
    if (!this.#handleSignals || this.#state === 'closed') return () => {}
    this.#uninstallSignals?.()
    let received: NodeJS.Signals | undefined
    const handler = (signal: NodeJS.Signals): void => {
      if (received !== undefined) {
        this.#safeLog('warn', `Second signal (${signal}) during shutdown: exiting now with code 1.`, { first: received, signal })
        process.exit(1)
      }
      received = signal
      try {
        onSignal(signal)
      } catch (error) {
        this.#safeLog('error', 'The signal handler threw.', { signal, err: error })
      }
    }
    for (const signal of SIGNALS) process.on(signal, handler)
    const uninstall = (): void => {
      for (const signal of SIGNALS) process.off(signal, handler)
      if (this.#uninstallSignals === uninstall) this.#uninstallSignals = undefined
    }
    this.#uninstallSignals = uninstall
    return uninstall
  }

  async #runReady(): Promise<void> {
    for (const hook of this.#readyHooks) {
      if (this.#state !== 'starting') {
        throw new VectoraError('VEC_ERR_APP_CLOSED', 'Shutdown began while the onReady hooks were running.')
      }
      const error = await runHook(hook, 'onReady', hook.timeout ?? this.#hookTimeout)
      if (error !== undefined) throw error
    }
    if (this.#state !== 'starting') throw new VectoraError('VEC_ERR_APP_CLOSED', 'Shutdown began while the app was starting.')
    this.#enter('ready')
  }

  async #runShutdown(steps: ShutdownSteps, deadline: number): Promise<ShutdownReport> {
    const wasServing = this.#state === 'ready' || this.#state === 'listening'
    this.#enter('draining')
    const errors: ShutdownError[] = []
    const report = (owner: string, step: LifecycleStep, error: Error): void => {
      errors.push({ owner, step, error })
      this.#safeLog('error', `${step} failed (${owner}).`, { owner, step, err: error })
    }
    let completed = 0
    let aborted = 0
    try {
      if (wasServing && this.#shutdownDelay > 0) await new Promise((resolve) => setTimeout(resolve, this.#shutdownDelay))

      const drained = await settle(
        () => steps.drain(deadline),
        deadline + DRAIN_GRACE,
        () => new VectoraError('VEC_ERR_LIFECYCLE_HOOK_TIMEOUT', `The drain step did not finish within its ${deadline} ms deadline (+${DRAIN_GRACE} ms).`),
      )
      if (!drained.ok) report('kernel', 'drain', toError(drained.thrown))
      else if (!isDrainResult(drained.value))
        report('kernel', 'drain', new TypeError(`drain() resolved ${describe(drained.value)}, not { completed, aborted }.`))
      else ({ completed, aborted } = drained.value)
      if (aborted > 0) this.#safeLog('warn', `${aborted} in-flight request(s) were aborted at the ${deadline} ms drain deadline.`, { completed, aborted })
      if (steps.closeWorkers !== undefined) for (const e of await steps.closeWorkers(deadline)) report(e.owner, e.step, e.error)

      // onClose hooks may release what onReady hooks acquire: let a start still in flight settle (it is bounded).
      await this.#starting?.catch(() => {})
      for (const hook of [...this.#closeHooks].reverse()) {
        const error = await runHook(hook, 'onClose', hook.timeout ?? this.#hookTimeout)
        if (error !== undefined) report(hook.owner, 'onClose', error)
      }

      const disposed = await settle(
        () => steps.dispose(),
        this.#hookTimeout,
        () => new VectoraError('VEC_ERR_LIFECYCLE_HOOK_TIMEOUT', `The dispose step did not finish within ${this.#hookTimeout} ms.`),
      )
      if (!disposed.ok) report('container', 'dispose', toError(disposed.thrown))
      else if (Array.isArray(disposed.value)) for (const error of disposed.value) report('container', 'dispose', toError(error))
    } catch (error) {
      // Only a bug in the steps' plumbing gets here; the report still tells.
      report('app', 'dispose', toError(error))
    } finally {
      this.#enter('closed')
      this.#uninstallSignals?.()
    }
    return { completed, aborted, errors, exitCode: errors.length === 0 ? 0 : 1 }
  }

  /** Logs without letting a broken logger break shutdown. */
  #safeLog(level: 'error' | 'warn', message: string, fields: Record<string, unknown>): void {
    try {
      this.#log[level](message, fields)
    } catch {}
  }
}

function checkHook(step: 'onReady' | 'onClose', hook: LifecycleHook): void {
  if (hook === null || typeof hook !== 'object') throw invalid(step, 'an object { owner, fn, timeout? }', hook)
  if (typeof hook.owner !== 'string' || hook.owner === '') throw invalid(`${step}.owner`, 'a non-empty string', hook.owner)
  if (typeof hook.fn !== 'function') throw invalid(`${step}.fn`, 'a function', hook.fn)
  if (hook.timeout !== undefined) checkInteger(`${step}.timeout`, hook.timeout, 1)
}

/** Runs one hook within `timeout` ms; resolves the error to report (undefined on success), never rejects. */
async function runHook(hook: LifecycleHook, step: 'onReady' | 'onClose', timeout: number): Promise<VectoraError | undefined> {
  const fn = hook.fn
  const result = await settle(
    () => fn(),
    timeout,
    () => new VectoraError('VEC_ERR_LIFECYCLE_HOOK_TIMEOUT', `The ${step} hook of "${hook.owner}" did not settle within ${timeout} ms.`),
  )
  if (result.ok) return undefined
  if (result.timedOut) return result.thrown as VectoraError
  const cause = result.thrown
  return new VectoraError('VEC_ERR_LIFECYCLE_HOOK_FAILED', `The ${step} hook of "${hook.owner}" failed: ${messageOf(cause)}.`, { cause })
}

/**
 * Calls `run` (sync throws included) and waits at most `ms` for it. The timer is cleared as soon as the
 * work settles, so nothing outlives a finished step; a step that never settles is simply abandoned.
 */
function settle<T>(run: () => T, ms: number, onTimeout: () => Error): Promise<Settled<Awaited<T>>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, thrown: onTimeout(), timedOut: true }), ms)
    const done = (outcome: Settled<Awaited<T>>): void => {
      clearTimeout(timer)
      resolve(outcome)
    }
    const fail = (thrown: unknown): void => done({ ok: false, thrown, timedOut: false })
    try {
      Promise.resolve(run()).then((value) => done({ ok: true, value }), fail)
    } catch (thrown) {
      fail(thrown)
    }
  })
}

function isDrainResult(value: unknown): value is { completed: number; aborted: number } {
  const v = value as { completed?: unknown; aborted?: unknown } | null
  return typeof v === 'object' && v !== null && typeof v.completed === 'number' && typeof v.aborted === 'number'
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(`Non-error thrown: ${describe(value)}`)
}

function messageOf(value: unknown): string {
  return (value instanceof Error ? value.message : describe(value)).replace(/\.$/, '')
}
