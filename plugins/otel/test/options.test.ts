/** @module test/options — option checks at register(), and the optional peer @opentelemetry/api. */
import assert from 'node:assert/strict'
import { createTestApp } from 'vectora/testing'
import { otel } from '../src/index.js'
import { setOtelApiForTests } from '../src/api.js'

/** For assert.throws: the register() error, VEC_ERR_PLUGIN_SETUP_FAILED, whose cause has `code` and matches `pattern`. */
function setupError(code: string, pattern: RegExp) {
  return (error: any): boolean => {
    assert.equal(error?.code, 'VEC_ERR_PLUGIN_SETUP_FAILED', error?.message)
    assert.equal(error.cause?.code, code, error.cause?.message)
    assert.match(error.cause.message, pattern)
    return true
  }
}

describe('@vectora/otel: options', () => {
  afterEach(() => setOtelApiForTests(undefined))

  for (const [options, pattern] of [
    [{ tracing: 'yes' }, /tracing must be a boolean or an object/],
    [{ tracing: { tracerProvider: {} } }, /tracing.tracerProvider must have getTracer/],
    [{ tracing: { contextManager: { with() {} } } }, /tracing.contextManager must have attach/],
    [{ tracing: { hookSpans: 'yes' } }, /tracing.hookSpans must be a boolean/],
    [{ tracing: { phaseSpans: 1 } }, /tracing.phaseSpans must be a boolean/],
    [{ tracing: { hookspans: true } }, /unknown option tracing.hookspans/],
    [{ metrics: { path: 'metrics' } }, /metrics.path must be a path starting with "\/"/],
    [{ metrics: { guards: 'admin' } }, /metrics.guards must be an array/],
    [{ metrics: { defaultMetrics: 1 } }, /metrics.defaultMetrics must be a boolean/],
    [{ serverTiming: 'on' }, /serverTiming must be a boolean or an object/],
    [{ serverTiming: { phases: 'yes' } }, /serverTiming.phases must be a boolean/],
    [{ tracng: true }, /unknown option tracng/],
  ] as const) {
    it(`refuses ${JSON.stringify(options)} with VEC_ERR_INVALID_OPTION`, () => {
      const app = createTestApp()
      assert.throws(() => app.register(otel, options as any), setupError('VEC_ERR_INVALID_OPTION', pattern))
    })
  }

  it('tracing: true without @opentelemetry/api fails at register and says what to install', () => {
    setOtelApiForTests(null)
    const app = createTestApp()
    assert.throws(() => app.register(otel, { tracing: true }), setupError('OTEL_API_MISSING', /npm install @opentelemetry\/api/))
  })

  it('by default, without @opentelemetry/api, tracing is off and metrics still work', async () => {
    setOtelApiForTests(null)
    const app = createTestApp()
    app.register(otel, { metrics: { defaultMetrics: false } })
    app.get('/', (req) => ({ span: req.otelSpan === undefined ? null : 'set' }))
    assert.deepEqual((await app.inject({ url: '/' })).json(), { span: null })
    assert.equal((await app.inject({ url: '/metrics' })).status, 200)
  })

  it('with everything off it adds no hook, so routes keep the hook-free fast path', async () => {
    const app = createTestApp()
    app.register(otel, { tracing: false, metrics: false })
    app.get('/', () => 'ok')
    await app.ready()
    assert.deepEqual(
      app.pipeline('GET', '/').filter((h: { plugin: string }) => h.plugin === '@vectora/otel'),
      [],
    )
  })

  it('puts its hooks first in onRequest and last in onSend', async () => {
    const app = createTestApp()
    app.register(otel, { serverTiming: true, metrics: { defaultMetrics: false } })
    app.get('/', () => 'ok')
    await app.ready()
    const hooks = app.pipeline('GET', '/').filter((h: { plugin: string }) => h.plugin === '@vectora/otel')
    assert.deepEqual(
      hooks.map((h: { phase: string; name: string }) => `${h.phase}:${h.name}`),
      ['onRequest:start', 'onSend:serverTiming', 'onResponse:end'],
    )
  })
})
