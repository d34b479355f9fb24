/**
 * @module cli/boot-signals — SIGTERM/SIGINT while the app is still starting (an onReady hook waiting for a
 * database, a slow import): the apps created so far are closed (their onClose hooks run) instead of the process
 * dying on the spot. Once an app listens, its own handlers take over (docs/lifecycle.md).
 */
import type { App } from '../app/create-app.js'
import type { Logger } from '../base/logger.js'

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/** The handlers held during startup. */
export interface BootSignals {
  /** Removes the handlers (call when an app listens: the app's own handlers take over). */
  release(): void
  /** True once a signal began closing the apps. */
  readonly closing: boolean
}

/**
 * Installs the startup handlers. On the first signal the apps `apps()` returns are closed and the process exits
 * with the highest exit code of their shutdown reports (0 when every step succeeded); a second signal exits 1 at
 * once. A signal some other handler also listens to (the entry installed its own) is left to that handler.
 *
 * @example
 * const boot = holdSignalsDuringBoot(() => seen.apps, log)
 * // … once an app listens:
 * boot.release()
 */
export function holdSignalsDuringBoot(apps: () => readonly App[], log: Logger): BootSignals {
  let closing = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return
    if (closing) {
      log.warn('second signal during startup: exiting at once', { signal })
      process.exit(1)
    }
    closing = true
    log.info('signal during startup: closing the app', { signal })
    void closeApps(apps()).then((code) => process.exit(code))
  }
  for (const signal of SIGNALS) process.on(signal, onSignal)
  return {
    release() {
      for (const signal of SIGNALS) process.off(signal, onSignal)
    },
    get closing() {
      return closing
    },
  }
}

/**
 * Closes every app (each runs its shutdown sequence) and resolves the highest exit code of their reports:
 * 0 when every step of every app succeeded.
 *
 * @example
 * process.exit(await closeApps(seen.apps))
 */
export async function closeApps(apps: readonly App[]): Promise<number> {
  const codes = await Promise.all(
    apps.map((app) =>
      app.close().then(
        (report) => report.exitCode,
        () => 1,
      ),
    ),
  )
  return Math.max(0, ...codes)
}
