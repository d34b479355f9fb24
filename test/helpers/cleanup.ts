/**
 * @module test/helpers/cleanup — what a test opened is closed after it: sockets first, then apps, then agents.
 *
 * Nothing may outlive a test: mocha runs without --exit, so one forgotten app or socket keeps the
 * process alive and the run never ends.
 */
import type { App } from 'vectora'

const apps = new Set<App>()
const early: Array<() => unknown> = []
const late: Array<() => unknown> = []

/** Closes `app` after the current test (a no-op if the test closed it already). Returns the app. */
export function closeAfterTest<A extends App>(app: A): A {
  apps.add(app)
  return app
}

/** Runs `fn` after the current test, before apps close (for sockets and pending handlers). */
export function beforeAppsClose(fn: () => unknown): void {
  early.push(fn)
}

/** Runs `fn` after the current test, after apps closed (for agents and the like). */
export function onCleanup(fn: () => unknown): void {
  late.push(fn)
}

/** Runs everything registered, in order; errors are swallowed (a cleanup must not mask the test's own failure). */
export async function runCleanup(): Promise<void> {
  for (const fn of early.splice(0)) await settle(fn)
  const closing = [...apps]
  apps.clear()
  // A short deadline: a test that failed with a handler still hanging must not stall the run.
  await Promise.all(closing.map((app) => settle(() => app.close({ deadline: 100 }))))
  for (const fn of late.splice(0)) await settle(fn)
}

/** Installs `afterEach(runCleanup)` in the enclosing describe. */
export function useCleanup(): void {
  afterEach(runCleanup)
}

async function settle(fn: () => unknown): Promise<void> {
  try {
    await fn()
  } catch {
    // Cleanup only; the test already reported what matters.
  }
}
