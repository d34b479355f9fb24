/** @module test/child-spans — tracing.hookSpans and tracing.phaseSpans with the real OpenTelemetry SDK. */
import assert from 'node:assert/strict'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { hrTimeToNanoseconds } from '@opentelemetry/core'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { definePlugin, HttpError } from 'vectora'
import { createTestApp, forEachTransport } from 'vectora/testing'
import { otel } from '../src/index.js'
import { propagator, sdk, until } from './support.js'

/** A stand-in for another plugin: one onRequest hook named `tag`. */
const demo = definePlugin({
  name: '@demo/tagger',
  version: '1.0.0',
  setup(app) {
    app.addHook(
      'onRequest',
      (req) => {
        req.header('x-anything')
        return undefined
      },
      { name: 'tag' },
    )
  },
})

function tracedApp(tracing: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { provider, spans } = sdk()
  const app = createTestApp()
  app.register(otel, { tracing: { tracerProvider: provider, propagator, ...tracing }, metrics: false, ...extra })
  return { app, spans }
}

const server = (spans: ReadableSpan[]): ReadableSpan => {
  const found = spans.filter((s) => s.kind === SpanKind.SERVER)
  assert.equal(found.length, 1, `server spans: ${found.map((s) => s.name).join(', ')}`)
  return found[0]
}
const internal = (spans: ReadableSpan[]): ReadableSpan[] => spans.filter((s) => s.kind === SpanKind.INTERNAL)

function assertChildOf(child: ReadableSpan, parent: ReadableSpan): void {
  assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId, `${child.name}: parent`)
  assert.equal(child.spanContext().traceId, parent.spanContext().traceId, `${child.name}: trace id`)
}

describe('@vectora/otel: child spans', () => {
  forEachTransport((t) => {
    it('hookSpans: one INTERNAL child per hook call of other plugins and the app, ERROR on the failing one', async () => {
      const { app, spans } = tracedApp({ hookSpans: true })
      app.register(demo)
      app.addHook(
        'preHandler',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 1))
          throw new Error('check failed')
        },
        { name: 'check' },
      )
      app.get('/orders', () => 'never')
      assert.equal((await t.request(app, { url: '/orders' })).status, 500)
      await until(() => spans().some((s) => s.kind === SpanKind.SERVER))
      const parent = server(spans())
      const children = internal(spans())
      assert.deepEqual(children.map((s) => s.name).sort(), ['onRequest @demo/tagger:tag', 'preHandler app:check'])
      for (const child of children) assertChildOf(child, parent)

      const tag = children.find((s) => s.name === 'onRequest @demo/tagger:tag')!
      assert.deepEqual(tag.attributes, { 'vectora.hook.phase': 'onRequest', 'vectora.hook.plugin': '@demo/tagger', 'vectora.hook.name': 'tag' })
      assert.equal(tag.status.code, SpanStatusCode.UNSET)
      assert.equal(tag.events.length, 0)

      const check = children.find((s) => s.name === 'preHandler app:check')!
      assert.equal(check.attributes['vectora.hook.plugin'], 'app')
      assert.equal(check.status.code, SpanStatusCode.ERROR)
      assert.equal(check.events[0]?.name, 'exception')
      assert.equal(check.events[0]?.attributes?.['exception.message'], 'check failed')
      // The async hook's span lasts until its promise settled.
      assert.ok(hrTimeToNanoseconds(check.duration) >= 500_000, `check lasted ${hrTimeToNanoseconds(check.duration)}ns`)
    })

    it('hookSpans: an HttpError 4xx from a hook is recorded without ERROR status (an answer, not a fault)', async () => {
      const { app, spans } = tracedApp({ hookSpans: true })
      app.addHook(
        'authenticate',
        () => {
          throw new HttpError(401, 'who are you')
        },
        { name: 'auth' },
      )
      app.get('/', () => 'ok')
      assert.equal((await t.request(app, { url: '/' })).status, 401)
      await until(() => spans().some((s) => s.kind === SpanKind.SERVER))
      const [auth] = internal(spans())
      assert.equal(auth.name, 'authenticate app:auth')
      assert.equal(auth.status.code, SpanStatusCode.UNSET)
      assert.equal(auth.events[0]?.name, 'exception')
    })

    it('hookSpans: nothing for an unsampled request (traceparent flags 00)', async () => {
      const { app, spans } = tracedApp({ hookSpans: true })
      app.register(demo)
      let ran = false
      app.get('/', () => {
        ran = true
        return 'ok'
      })
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00'
      assert.equal((await t.request(app, { url: '/', headers: { traceparent } })).status, 200)
      assert.ok(ran)
      await new Promise((resolve) => setTimeout(resolve, 20))
      assert.deepEqual(spans(), [])
    })

    it('without hookSpans or phaseSpans (the default), no INTERNAL spans', async () => {
      const { app, spans } = tracedApp({})
      app.register(demo)
      app.addHook('preHandler', async () => undefined, { name: 'check' })
      app.get('/', () => 'ok')
      assert.equal((await t.request(app, { url: '/' })).status, 200)
      await until(() => spans().length === 1)
      assert.equal(server(spans()).name, 'GET /')
      assert.deepEqual(internal(spans()), [])
    })

    it('phaseSpans: one INTERNAL child per phase, in order, not overlapping, the handler holding its time', async () => {
      const { app, spans } = tracedApp({ phaseSpans: true })
      app.get('/slow', async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return 'ok'
      })
      assert.equal((await t.request(app, { url: '/slow' })).status, 200)
      await until(() => spans().some((s) => s.kind === SpanKind.SERVER))
      const parent = server(spans())
      const phases = internal(spans()).sort((a, b) => hrTimeToNanoseconds(a.startTime) - hrTimeToNanoseconds(b.startTime))
      assert.deepEqual(
        phases.map((s) => s.name),
        ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler', 'handler', 'onSend'],
      )
      for (const [i, span] of phases.entries()) {
        assertChildOf(span, parent)
        assert.deepEqual(span.attributes, { 'vectora.phase': span.name })
        if (i === 0) continue
        // Each phase starts as the previous one ends; the SDK anchors every span's clock on Date.now() (millisecond
        // steps), so the boundaries agree to within a millisecond rather than exactly.
        const overlap = hrTimeToNanoseconds(phases[i - 1].endTime) - hrTimeToNanoseconds(span.startTime)
        assert.ok(overlap < 1_000_000, `${span.name} overlaps the previous phase by ${overlap}ns`)
      }
      const handler = phases.find((s) => s.name === 'handler')!
      assert.ok(hrTimeToNanoseconds(handler.duration) >= 15_000_000, `handler ${hrTimeToNanoseconds(handler.duration)}ns`)
      assert.ok(hrTimeToNanoseconds(phases[6].endTime) - hrTimeToNanoseconds(parent.endTime) < 1_000_000)
    })

    it('phaseSpans: a short-circuit has only the phases that ran; with hookSpans and Server-Timing phases too', async () => {
      const { app, spans } = tracedApp({ phaseSpans: true, hookSpans: true }, { serverTiming: { phases: true } })
      app.addHook(
        'authenticate',
        () => {
          throw new HttpError(401)
        },
        { name: 'auth' },
      )
      app.get('/', () => 'ok')
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 401)
      assert.match(res.headers['server-timing'] ?? '', /^onRequest;dur=[\d.]+, authenticate;dur=[\d.]+, send;dur=[\d.]+, total;dur=[\d.]+$/)
      await until(() => spans().some((s) => s.kind === SpanKind.SERVER))
      const parent = server(spans())
      const children = internal(spans())
      assert.deepEqual(children.map((s) => s.name).sort(), ['authenticate', 'authenticate app:auth', 'onRequest', 'onSend'])
      for (const child of children) assertChildOf(child, parent)
    })
  })
})
