/**
 * @module lifecycle/readiness — the readiness checks services register (`app.healthCheck()`: a database, a
 * Redis store, a key set): run together on an interval, each under its own timeout, into one report the
 * readiness probe answers with. The kernel answers the probe itself from the last report, so a probe never
 * waits behind queued requests nor on a slow check (docs/deploy.md#readiness).
 */
import { VectoraError } from '../base/catalogue.js'
import { checkInteger, describe } from '../base/check.js'
import type { Logger } from '../base/logger.js'

/** A readiness check: resolves (any value but `false`) when the service is up; throws, rejects or returns false when it is down. */
export type HealthCheck = (signal: AbortSignal) => unknown

/** Options of `app.healthCheck(name, check, options)`. */
export interface HealthCheckOptions {
  /** Time the check may take, ms; past it the check is down and its signal aborts. Default: `health.timeout` (2 000). */
  timeout?: number
  /** A critical check that is down makes readiness answer 503; a non-critical one is only reported. Default true. */
  critical?: boolean
}

/** One check in the probe's `checks` member. */
export interface CheckReport {
  status: 'up' | 'down'
  durationMs: number
  /** Present (false) for a non-critical check. */
  critical?: false
  /** Why it is down: `timed out after 2000 ms`, or (in development only) the error's message. */
  error?: string
  /** The error's `code` (e.g. `ECONNREFUSED`), when it has a string one. */
  code?: string
}

interface Entry {
  readonly name: string
  readonly owner: string
  readonly check: HealthCheck
  readonly timeout: number
  critical: boolean
}

/** Options of `new Readiness()`. */
export interface ReadinessOptions {
  /** Ms between two rounds of checks. */
  interval: number
  /** Default per-check timeout, ms. */
  timeout: number
  /** Error messages appear in the report only in development (they can name hosts and ports). */
  development: boolean
  log: () => Logger
  /** Called after each round with whether every critical check is up and the report as JSON text. */
  onReport: (healthy: boolean, report: string) => void
}

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/
const OPTION_KEYS = new Set(['timeout', 'critical'])

/** The app's readiness checks and their last results. */
export class Readiness {
  readonly #options: ReadinessOptions
  readonly #entries: Entry[] = []
  readonly #down = new Set<string>()
  #healthy = false
  #timer: NodeJS.Timeout | undefined
  #round: Promise<void> | undefined
  #stopped = false

  constructor(options: ReadinessOptions) {
    this.#options = options
  }

  /** How many checks are registered. */
  get size(): number {
    return this.#entries.length
  }

  /** Whether every critical check was up in the last round (false before the first). */
  get healthy(): boolean {
    return this.#healthy
  }

  /**
   * Registers a check; throws VEC_ERR_INVALID_OPTION for a bad name, function or option, or a name taken by
   * another check (the same function under the same name is one check).
   */
  add(name: string, check: HealthCheck, options: HealthCheckOptions | undefined, owner: string): void {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `${owner}: healthCheck() name ${describe(name)} must be 1-64 characters from [A-Za-z0-9_.:-].`)
    }
    if (typeof check !== 'function') {
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `${owner}: healthCheck("${name}") needs a function (signal) => unknown, got ${describe(check)}.`)
    }
    const taken = this.#entries.find((e) => e.name === name)
    // The same check under the same name again (one store behind two registrations of a plugin) is one check,
    // critical if either registration says so.
    if (taken !== undefined && taken.check === check) {
      taken.critical ||= options?.critical ?? true
      return
    }
    if (taken !== undefined) {
      throw new VectoraError(
        'VEC_ERR_INVALID_OPTION',
        `${owner}: a health check named "${name}" was already registered by ${taken.owner}; give this one another name.`,
      )
    }
    const o = options ?? {}
    if (typeof o !== 'object' || o === null)
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `${owner}: healthCheck("${name}") options must be an object { timeout?, critical? }.`)
    for (const key of Object.keys(o)) {
      if (!OPTION_KEYS.has(key))
        throw new VectoraError('VEC_ERR_INVALID_OPTION', `${owner}: healthCheck("${name}") has no option "${key}"; known: timeout, critical.`)
    }
    if (o.critical !== undefined && typeof o.critical !== 'boolean') {
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `${owner}: healthCheck("${name}") critical must be a boolean, got ${describe(o.critical)}.`)
    }
    const timeout = o.timeout === undefined ? this.#options.timeout : checkInteger(`healthCheck("${name}").timeout`, o.timeout, 1, 600_000)
    this.#entries.push({ name, owner, check, timeout, critical: o.critical ?? true })
  }

  /** Runs one round now (every check at once) and reports it; a round already running is joined, not doubled. */
  runOnce(): Promise<void> {
    return (this.#round ??= this.#run().finally(() => (this.#round = undefined)))
  }

  /** Runs a round every `interval` ms until stop(); the timer never keeps the process alive. */
  start(): void {
    if (this.#timer !== undefined || this.#stopped || this.#entries.length === 0) return
    this.#timer = setInterval(() => void this.runOnce(), this.#options.interval)
    this.#timer.unref()
  }

  /** Stops the rounds (shutdown began: readiness answers 503 from the lifecycle alone). */
  stop(): void {
    this.#stopped = true
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  async #run(): Promise<void> {
    const results = await Promise.all(this.#entries.map((entry) => this.#check(entry)))
    if (this.#stopped) return
    const report: Record<string, CheckReport> = {}
    let healthy = true
    for (const [i, entry] of this.#entries.entries()) {
      const { result, message } = results[i]
      report[entry.name] = result
      if (result.status === 'down' && entry.critical) healthy = false
      this.#logChange(entry, result, message)
    }
    this.#healthy = healthy
    this.#options.onReport(healthy, JSON.stringify(report))
  }

  /** The check's report, and the full reason it is down for the log (the report shows it in development only). */
  async #check(entry: Entry): Promise<{ result: CheckReport; message?: string }> {
    const controller = new AbortController()
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), entry.timeout)
    })
    const base = (): Pick<CheckReport, 'durationMs' | 'critical'> => ({
      durationMs: Math.round(performance.now() - started),
      ...(entry.critical ? {} : { critical: false as const }),
    })
    try {
      const outcome = await Promise.race([Promise.resolve().then(() => entry.check(controller.signal)), timedOut])
      if (outcome === 'timeout') {
        controller.abort(new Error(`health check "${entry.name}" timed out`))
        const error = `timed out after ${entry.timeout} ms`
        return { result: { status: 'down', ...base(), error }, message: error }
      }
      if (outcome === false) return { result: { status: 'down', ...base(), error: 'the check returned false' }, message: 'the check returned false' }
      return { result: { status: 'up', ...base() } }
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code
      const message = error instanceof Error ? error.message : String(error)
      const result: CheckReport = {
        status: 'down',
        ...base(),
        ...(this.#options.development && { error: message }),
        ...(typeof code === 'string' && { code }),
      }
      return { result, message }
    } finally {
      clearTimeout(timer)
    }
  }

  /** Logs a check going down (warn, with the cause) and coming back (info), once per change. */
  #logChange(entry: Entry, result: CheckReport, message: string | undefined): void {
    const wasDown = this.#down.has(entry.name)
    if (result.status === 'down' && !wasDown) {
      this.#down.add(entry.name)
      this.#options.log().warn(`Health check "${entry.name}" (${entry.owner}) is down${entry.critical ? ': readiness answers 503' : ''}.`, {
        code: 'VEC_HEALTH_CHECK_DOWN',
        check: entry.name,
        plugin: entry.owner,
        ...(result.code !== undefined && { errorCode: result.code }),
        ...(message !== undefined && { reason: message }),
      })
    } else if (result.status === 'up' && wasDown) {
      this.#down.delete(entry.name)
      this.#options
        .log()
        .info(`Health check "${entry.name}" (${entry.owner}) is up again.`, { code: 'VEC_HEALTH_CHECK_UP', check: entry.name, plugin: entry.owner })
    }
  }
}
