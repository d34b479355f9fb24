/** @module test/schema — every line is one JSON object with the documented keys; core fields are mapped; secrets are redacted. */
import assert from 'node:assert/strict'
import { useCleanup } from 'vectora/testing'
import { REDACTED } from '../src/index.js'
import { loggedApp, memoryDestination } from './support.js'

useCleanup()

describe('@vectora/logger: schema', () => {
  it('writes app.log lines as JSON with timestamp (ISO 8601), level, message and service first', async () => {
    const { app, out } = loggedApp()
    await app.ready()
    app.log.info('cache warm', { entries: 3 })
    const [line] = out.where({ message: 'cache warm' })
    assert.deepEqual(Object.keys(line).slice(0, 4), ['timestamp', 'level', 'message', 'service'])
    assert.equal(new Date(line.timestamp).toISOString(), line.timestamp)
    assert.equal(line.level, 'info')
    assert.equal(line.service, 'test-svc')
    assert.equal(line.entries, 3)
  })

  it('maps the core fields: err to error.type/message/code/stack, requestId to request_id', async () => {
    const { app, out } = loggedApp({ production: false })
    await app.ready()
    const err = Object.assign(new TypeError('bad input'), { code: 'E_BAD' })
    app.log.error('it broke', { err, requestId: 'abc-1', plugin: 'p' })
    const [line] = out.where({ message: 'it broke' })
    assert.equal(line['error.type'], 'TypeError')
    assert.equal(line['error.message'], 'bad input')
    assert.equal(line['error.code'], 'E_BAD')
    assert.match(line['error.stack'], /^TypeError: bad input\n/)
    assert.equal(line.request_id, 'abc-1')
    assert.equal(line.plugin, 'p')
    assert.equal('err' in line || 'requestId' in line, false)
  })

  it('hides error.stack in production', async () => {
    const { app, out } = loggedApp({ production: true })
    await app.ready()
    app.log.error('it broke', { err: new Error('x') })
    const [line] = out.where({ message: 'it broke' })
    assert.equal(line['error.message'], 'x')
    assert.equal('error.stack' in line, false)
  })

  it('routes the framework own lines (an unhandled handler error) through it', async () => {
    const { app, out } = loggedApp()
    app.get('/boom', () => {
      throw new Error('kaput')
    })
    const res = await app.inject({ url: '/boom' })
    assert.equal(res.status, 500)
    const core = out.lines().find((line) => line['error.message'] === 'kaput' && line.outcome === undefined)
    assert.ok(core, 'the core error line is in the plugin output')
    assert.equal(core.request_id, res.json<{ requestId: string }>().requestId)
    assert.deepEqual(app.logger.lines, [], 'nothing went to the logger the app was created with')
  })

  it('redacts authorization, cookie, set-cookie at any depth and configured paths, without touching the caller object', async () => {
    const { app, out } = loggedApp({ redact: ['body.password', 'user.token', 'secret'] })
    await app.ready()
    const fields = {
      headers: { authorization: 'Bearer abc', Cookie: 'sid=1', 'set-cookie': ['a=b'], accept: '*/*' },
      body: { password: 'hunter2', name: 'ada' },
      user: { token: 't0k', id: 7 },
      nested: [{ secret: 's' }],
      authorization: 'top-level',
    }
    app.log.info('request dump', fields)
    const [line] = out.where({ message: 'request dump' })
    assert.deepEqual(line.headers, { authorization: REDACTED, Cookie: REDACTED, 'set-cookie': REDACTED, accept: '*/*' })
    assert.deepEqual(line.body, { password: REDACTED, name: 'ada' })
    assert.deepEqual(line.user, { token: REDACTED, id: 7 })
    assert.deepEqual(line.nested, [{ secret: REDACTED }])
    assert.equal(line.authorization, REDACTED)
    assert.equal(fields.body.password, 'hunter2', 'the caller object is unchanged')
    assert.equal(fields.headers.authorization, 'Bearer abc')
    assert.doesNotMatch(out.text(), /hunter2|Bearer abc|t0k|sid=1/)
  })

  it('honours level: debug lines are dropped at info and written at debug', async () => {
    const info = loggedApp()
    const debug = loggedApp({ level: 'debug' })
    await Promise.all([info.app.ready(), debug.app.ready()])
    info.app.log.debug?.('verbose', {})
    debug.app.log.debug?.('verbose', {})
    assert.equal(info.out.where({ message: 'verbose' }).length, 0)
    assert.equal(debug.out.where({ message: 'verbose' })[0].level, 'debug')
  })

  it('writes pretty, coloured text with format: pretty', async () => {
    const { app, out } = loggedApp({ format: 'pretty' })
    await app.ready()
    app.log.warn('careful', { n: 1 })
    assert.match(out.text(), /\d\d:\d\d:\d\d\.\d{3} \u001b\[33mwarn\u001b\[39m careful {2}n=1\n/)
  })

  it('writes a line for fields JSON.stringify refuses: a BigInt as a string, a cycle cut with [Circular]', async () => {
    const { app, out } = loggedApp()
    await app.ready()
    const loop: Record<string, unknown> = { name: 'loop' }
    loop.self = loop
    app.log.info('odd fields', { big: 12345678901234567890n, loop })
    const [line] = out.where({ message: 'odd fields' })
    assert.equal(line.big, '12345678901234567890')
    // Redaction copies nested objects (to a bounded depth), so the cycle shows as [Circular] a few levels down.
    assert.match(JSON.stringify(line.loop), /"self":"\[Circular\]"/)
    assert.equal(line.service, 'test-svc')
  })

  it("format: 'auto' is pretty only for a TTY destination under NODE_ENV=development, JSON otherwise", async () => {
    const before = process.env.NODE_ENV
    const run = async (env: string | undefined, tty: boolean): Promise<string> => {
      if (env === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = env
      const out = memoryDestination()
      try {
        return await withTty(out, tty, async () => {
          const { app } = loggedApp({ format: 'auto', destination: out })
          await app.ready()
          app.log.warn('auto check', { n: 2 })
          return out.text()
        })
      } finally {
        if (before === undefined) delete process.env.NODE_ENV
        else process.env.NODE_ENV = before
      }
    }
    assert.match(await run('development', true), /\u001b\[33mwarn\u001b\[39m auto check {2}n=2\n/)
    assert.equal(JSON.parse((await run('development', false)).trim()).message, 'auto check')
    assert.equal(JSON.parse((await run('production', true)).trim()).message, 'auto check')
  })
})

/** Runs `fn` with `stream.isTTY` set to `tty` (what `format: 'auto'` reads at register). */
async function withTty<T>(stream: object, tty: boolean, fn: () => Promise<T>): Promise<T> {
  Object.defineProperty(stream, 'isTTY', { value: tty, configurable: true })
  try {
    return await fn()
  } finally {
    delete (stream as { isTTY?: boolean }).isTTY
  }
}
