/**
 * @module lifecycle/crash — the process-level error policy: an error thrown outside any request (a timer
 * callback after replying, an unhandled rejection) is logged with its context, the app stops accepting and
 * drains its in-flight requests within the drain deadline, and the process exits 1.
 *
 * Node's default for the same errors is to exit at once with code 1, dropping every in-flight request of
 * the process without a response. After an uncaught exception the process may be in a bad state, so it is
 * never kept running: the policy only lets the requests already started finish before it goes.
 */
import type { Logger } from '../base/logger.js'

/** One app under the policy: where it logs, and how it shuts down. */
export interface CrashPolicy {
  readonly log: () => Logger
  /** Stops accepting, drains and closes the app (app.close()). */
  readonly shutdown: () => Promise<unknown>
  /** Ends the process; `process.exit` in production, replaceable in tests. */
  readonly exit?: (code: number) => void
}

/** The apps of this process under the policy: one pair of process listeners serves them all. */
const policies = new Set<CrashPolicy>()
let crashing = false

/**
 * Puts an app under the policy; returns the function that takes it out. The first uncaught error logs to
 * every app's logger and shuts every app down (in parallel), then exits 1; later errors are logged only.
 *
 * @example
 * const uninstall = installCrashPolicy({ log: () => app.log, shutdown: () => app.close() })
 */
export function installCrashPolicy(policy: CrashPolicy): () => void {
  if (policies.size === 0) {
    process.on('uncaughtException', onException)
    process.on('unhandledRejection', onRejection)
  }
  policies.add(policy)
  return () => {
    // During a crash the listeners stay: a second error must not fall back to Node's immediate exit.
    if (!policies.delete(policy) || policies.size > 0 || crashing) return
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}

function onException(error: Error, origin: string): void {
  onError(error, origin)
}

function onRejection(reason: unknown): void {
  onError(reason, 'unhandledRejection')
}

function onError(error: unknown, origin: string): void {
  const all = [...policies]
  const message = crashing
    ? 'Another error outside any request during the crash shutdown'
    : 'Error outside any request: draining in-flight requests, then exiting 1'
  for (const policy of all) {
    try {
      policy.log().error(message, { code: 'VEC_ERR_UNCAUGHT', origin, err: error })
    } catch {}
  }
  if (crashing) return
  crashing = true
  const exit = all.find((p) => p.exit !== undefined)?.exit ?? ((code: number) => process.exit(code))
  void Promise.allSettled(all.map((p) => Promise.resolve().then(p.shutdown))).then(() => exit(1))
}
