/**
 * @module vectora/testing — the test kit of Vectora apps and plugins, for any test runner: one suite run
 * through `app.inject()` and a real socket, apps and sockets closed after each test, a capturing logger,
 * and the problem+json assertion. Named exports only.
 *
 * @example
 * import assert from 'node:assert/strict'
 * import { afterEach, describe, it } from 'node:test'
 * import { createTestApp, forEachTransport } from 'vectora/testing'
 *
 * describe('hello', () => {
 *   forEachTransport((t) => {
 *     it('answers', async () => {
 *       const app = createTestApp()
 *       app.get('/', () => ({ hello: 'world' }))
 *       assert.deepEqual((await t.request(app, { url: '/' })).json(), { hello: 'world' })
 *     })
 *   }, { describe, afterEach })
 * })
 */
export { createTestApp } from './app.js'
export type { TestApp, TestAppOptions } from './app.js'
export { closeAfterTest, onCleanup, runCleanup, useCleanup } from './cleanup.js'
export { captureLogger } from './logger.js'
export type { CaptureLoggerOptions, CapturingLogger, LogLine } from './logger.js'
export { assertProblem, REQUEST_ID } from './problem.js'
export type { ExpectedProblem, ProblemResponse } from './problem.js'
export type { AfterEachFn, DescribeFn, TestRunner } from './runner.js'
export { forEachTransport, httpRequest, listen, transports } from './transport.js'
export type { TestRequest, TestResponse, Transport } from './transport.js'
