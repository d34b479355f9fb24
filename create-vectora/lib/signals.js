/**
 * @module create-vectora/lib/signals — holds Ctrl-C (SIGINT), SIGTERM and SIGHUP back while files are being
 * moved into place, so an interrupt lands between steps, never in the middle of one.
 *
 * Node's default for these signals ends the process at once, even inside synchronous code. With a listener
 * installed, the signal is only recorded and handled once the current step returns to the event loop.
 */

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Starts holding signals back for the rest of the run. `caught()` lets a held signal arrive (one turn of the
 * event loop) and resolves the first signal received, or undefined.
 *
 * @example
 * const held = holdSignals()
 * writeApp(plan)                       // synchronous: an interrupt waits for it
 * if (await held.caught()) process.exitCode = 130
 */
export function holdSignals() {
  let received
  const record = (signal) => {
    received ??= signal
  }
  for (const signal of SIGNALS) process.on(signal, record)
  return {
    async caught() {
      await new Promise((resolve) => setImmediate(resolve))
      return received
    },
  }
}
