/**
 * @module kernel/test/host/support — small tools the plugin-host suites share: a logger that records what it is
 * told (and lets a test await a line instead of sleeping), a boot-error matcher and a quiet test app.
 */
import assert from 'node:assert/strict'
import { createApp, type App, type AppOptions } from 'vectora'

export { captureLogger, type CapturingLogger, type LogLine } from 'vectora/testing'
import { captureLogger } from 'vectora/testing'

/**
 * A test app: signals off, production error replies, and a capturing logger (so expected failures do not
 * spill JSON onto the test output). Pass `logger` to read what was logged.
 */
export function testApp(options: AppOptions = {}): App {
  return createApp({ handleSignals: false, development: false, logger: captureLogger(), ...options })
}

/** For `assert.rejects`/`assert.throws`: the error has `code` and its message matches every pattern. */
export function hasCode(code: string, ...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`)
    assert.equal((error as { code?: unknown }).code, code, `wrong code; message: ${error.message}`)
    for (const pattern of patterns) assert.match(error.message, pattern)
    return true
  }
}
