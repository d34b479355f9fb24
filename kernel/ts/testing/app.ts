/** @module testing/app — a quiet app for a test: no signal handlers, production error replies, a capturing logger, closed after the test. */
import { type App, type AppOptions, createApp } from '../index.js'
import { closeAfterTest } from './cleanup.js'
import { type CapturingLogger, captureLogger } from './logger.js'

/** Options of `createTestApp`: the app's, with a capturing logger if one is passed. */
export interface TestAppOptions extends Omit<AppOptions, 'logger'> {
  /** Default: a fresh `captureLogger()`. */
  logger?: CapturingLogger
}

/** An app made by `createTestApp`: `logger` is what it logs through. */
export type TestApp = App & { readonly logger: CapturingLogger }

/**
 * `createApp()` for a test: `handleSignals: false` (a test process is no server), `development: false`
 * (the replies users get), a `captureLogger()` (expected failures print nothing; `app.logger.lines`
 * says what was logged), and the app is closed after the test. Any option can be overridden.
 *
 * @example
 * const app = createTestApp()
 * app.register(myPlugin, {})
 * const res = await app.inject({ url: '/' })
 * assert.deepEqual(app.logger.errors(), [])
 */
export function createTestApp(options: TestAppOptions = {}): TestApp {
  const logger = options.logger ?? captureLogger()
  const app = createApp({ handleSignals: false, development: false, ...options, logger })
  return Object.assign(closeAfterTest(app), { logger })
}
