/**
 * @module test/lifecycle — the database in the app's lifecycle: a boot that cannot connect fails naming the
 * database and the cause; close waits for in-flight statements (the pool closes after the kernel's drain);
 * readiness answers 503 while the database is unreachable; a private PostgreSQL server stopped and restarted
 * mid-test: requests in between get a quick 503 (never a hang) and the pool recovers on its own.
 */
import assert from 'node:assert/strict'
import { type Database, db, isDatabaseError } from '@vectora/db'
import { assertProblem, createTestApp, httpRequest, listen, useCleanup } from 'vectora/testing'
import { freePort, privatePostgres, tempFile, until } from './support.js'

describe('@vectora/db: lifecycle', () => {
  useCleanup()

  it('fails the boot when PostgreSQL cannot be reached, naming the database and the cause', async () => {
    const port = await freePort()
    const app = createTestApp()
    app.register(db, { driver: 'postgres', connectionString: `postgres://postgres:hunter2@127.0.0.1:${port}/orders`, pool: { connectionTimeoutMillis: 2_000 } })
    const error = await app.ready().then(
      () => assert.fail('ready() resolved without a database'),
      (e: unknown) => e as Error,
    )
    const text = `${error.message} ${(error.cause as Error | undefined)?.message ?? ''}`
    assert.match(text, new RegExp(`could not connect to postgres 127\\.0\\.0\\.1:${port}/orders`))
    assert.match(text, /ECONNREFUSED/)
    assert.doesNotMatch(text, /hunter2/, 'the password never appears')
  })

  it('fails the boot when the SQLite file cannot be opened, naming the file', async () => {
    const app = createTestApp()
    const filename = `${tempFile('x')}/missing-folder/app.db`
    app.register(db, { filename })
    const error = await app.ready().then(
      () => assert.fail('ready() resolved'),
      (e: unknown) => e as Error,
    )
    assert.match(`${error.message} ${(error.cause as Error | undefined)?.message ?? ''}`, /missing-folder\/app\.db/)
  })

  it('lets an in-flight statement finish before the pool closes, then refuses with DB_CLOSED', async () => {
    const app = createTestApp()
    app.register(db, { driver: 'postgres', connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', txToken: false })
    let started = false
    app.get('/slow', { inject: ['db'] }, async (_req, { db }) => {
      started = true
      return db.one`select pg_sleep(${0.4})::text as slept, ${'done'} as status`
    })
    const port = await listen(app)
    const database = app.resolve<Database>('db')
    const inFlight = httpRequest(port, { url: '/slow' })
    await until('the handler started', () => started)
    await app.close({ deadline: 5_000 })
    const res = await inFlight
    assert.equal(res.status, 200)
    assert.equal(res.json().status, 'done')
    assert.equal(database.driver.stats().total, 0, 'every connection closed')
    await assert.rejects(
      () => database.query`select 1`,
      (e: unknown) => isDatabaseError(e, 'DB_CLOSED'),
    )
  })

  it('survives a PostgreSQL restart: 503 while it is down (no hang), ready 503 naming the check, then recovers', async function () {
    this.timeout(60_000)
    const server = await privatePostgres(this)
    const app = createTestApp({ health: { interval: 100, timeout: 1_000 } })
    app.register(db, { driver: 'postgres', connectionString: server.url, pool: { max: 4, connectionTimeoutMillis: 1_000 }, txToken: false })
    app.get('/n', { inject: ['db'] }, (_req, { db }) => db.one`select ${7}::int as n`)
    const port = await listen(app)
    assert.deepEqual((await httpRequest(port, { url: '/n' })).json(), { n: 7 })
    assert.equal((await httpRequest(port, { url: '/health/ready' })).status, 200)

    server.stop()
    for (let i = 0; i < 3; i++) {
      const started = Date.now()
      const res = await httpRequest(port, { url: '/n' })
      assertProblem(res, { status: 503, code: 'DB_UNAVAILABLE', instance: '/n' })
      assert.equal(res.headers['retry-after'], '1')
      assert.ok(Date.now() - started < 5_000, 'answered within the connection timeout, not left hanging')
    }
    await until('readiness reports the database down', async () => (await httpRequest(port, { url: '/health/ready' })).status === 503)
    const ready = await httpRequest(port, { url: '/health/ready' })
    assert.equal(ready.json().checks.db.status, 'down')
    assert.equal((await httpRequest(port, { url: '/health/live' })).status, 200, 'liveness does not depend on the database')

    server.start()
    await until('requests succeed again', async () => (await httpRequest(port, { url: '/n' })).status === 200, 20_000)
    assert.deepEqual((await httpRequest(port, { url: '/n' })).json(), { n: 7 })
    await until('readiness recovers', async () => (await httpRequest(port, { url: '/health/ready' })).status === 200)
    assert.equal((await httpRequest(port, { url: '/health/ready' })).json().checks.db.status, 'up')
    const warned = app.logger.lines.some((l) => l.level === 'warn' && /VEC_HEALTH_CHECK_DOWN|idle connection/.test(JSON.stringify(l)))
    assert.ok(warned, 'the outage was logged')
    assert.equal(app.logger.errors().filter((l) => !/DB_UNAVAILABLE|database/i.test(JSON.stringify(l))).length, 0)
  })
})
