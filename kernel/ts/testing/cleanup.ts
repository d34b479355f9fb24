/**
 * @module testing/cleanup — what a test opened is closed after it: apps, sockets, agents, servers.
 *
 * Nothing may outlive a test: a runner without a forced exit (mocha without --exit, node:test) waits for
 * every open handle, so one forgotten app or socket keeps the process alive and the run never ends.
 * Cleanups run last registered first (like Go's `t.Cleanup`): a socket opened to an app closes before the
 * app, a store created before the app closes after it.
 */
import type { App } from '../index.js'
import { type AfterEachFn, afterEachOf } from './runner.js'

/** The drain deadline of an app closed by the cleanup: a test that failed with a handler still hanging must not stall the run. */
const CLOSE_DEADLINE_MS = 100

const stack: Array<() => unknown> = []
const closing = new Set<App>()

/**
 * Closes `app` after the current test (`app.close({ deadline: 100 })`; a no-op when the test closed it
 * already). Registering an app again keeps its first place in the cleanup order. Returns the app.
 *
 * @example
 * const app = closeAfterTest(createApp({ handleSignals: false }))
 */
export function closeAfterTest<A extends App>(app: A): A {
  if (!closing.has(app)) {
    closing.add(app)
    stack.push(() => app.close({ deadline: CLOSE_DEADLINE_MS }))
  }
  return app
}

/**
 * Runs `fn` after the current test, before everything registered earlier (apps included).
 *
 * @example
 * const agent = new http.Agent({ keepAlive: true })
 * onCleanup(() => agent.destroy())
 */
export function onCleanup(fn: () => unknown): void {
  stack.push(fn)
}

/**
 * Runs every registered cleanup, last registered first, and forgets them. A failing cleanup is ignored:
 * it must not mask the test's own failure, nor keep the others from running.
 */
export async function runCleanup(): Promise<void> {
  closing.clear()
  while (stack.length > 0) {
    const fn = stack.pop()!
    try {
      await fn()
    } catch {
      // Cleanup only; the test already reported what matters.
    }
  }
}

/**
 * Installs `runCleanup` after each test of the enclosing group: with the global `afterEach` (mocha), or
 * the runner's own.
 *
 * @example
 * import { afterEach, describe } from 'node:test'
 * describe('my plugin', () => {
 *   useCleanup(afterEach)
 * })
 */
export function useCleanup(afterEach?: AfterEachFn): void {
  afterEachOf(afterEach)(() => runCleanup())
}
