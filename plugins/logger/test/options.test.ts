/** @module test/options — a wrong option fails register() with VEC_ERR_INVALID_OPTION naming it. */
import assert from 'node:assert/strict'
import { createTestApp, useCleanup } from 'vectora/testing'
import { type LoggerOptions, logger } from '../src/index.js'

useCleanup()

/** register() with `options` throws a setup failure caused by VEC_ERR_INVALID_OPTION matching `pattern`. */
function refuses(options: unknown, pattern: RegExp): void {
  const app = createTestApp()
  assert.throws(
    () => app.register(logger, options as LoggerOptions),
    (error: any) => {
      const cause = error?.code === 'VEC_ERR_INVALID_OPTION' ? error : error?.cause
      assert.equal(cause?.code, 'VEC_ERR_INVALID_OPTION', `got ${error?.code}: ${error?.message}`)
      assert.match(cause.message, pattern)
      return true
    },
  )
}

describe('@vectora/logger: options', () => {
  it('refuses wrong options, naming the option and what it must be', () => {
    refuses({ level: 'loud' }, /"level" must be one of error, warn, info/)
    refuses({ format: 'xml' }, /"format" must be 'json', 'pretty' or 'auto'/)
    refuses({ accessLog: { sample: 2 } }, /"accessLog.sample" must be a number from 0 to 1/)
    refuses({ accessLog: { level: 'nope' } }, /"accessLog.level"/)
    refuses({ accessLog: { skip: '/healthz' } }, /"accessLog.skip" must be an array of paths or a function/)
    refuses({ redact: 'password' }, /"redact" must be an array/)
    refuses({ trustRequestId: 'yes' }, /"trustRequestId" must be a boolean/)
    refuses({ transports: [] }, /"transports" must be a non-empty array of winston transports/)
    refuses({ destination: {} }, /"destination" must be a writable stream/)
    refuses({ maxBufferedLines: 0 }, /"maxBufferedLines" must be an integer of at least 1/)
    refuses({ traceContext: 'otel' }, /"traceContext" must be a function/)
    refuses({ colour: true }, /"colour" must be one of the known options/)
  })
})
