/**
 * @module test/pool — the pool under load, through real sockets: waiters that give up after the connection timeout
 * with a clear 503 and leave nothing behind, PostgreSQL's statement timeout, and 200 concurrent requests each
 * writing in its own request transaction.
 */
import assert from 'node:assert/strict'
import { type Database, db } from '@vectora/db'
import { assertProblem, createTestApp, httpRequest, listen, type TestResponse, useCleanup } from 'vectora/testing'
import { adminClient, drivers, forEachDriver, until } from './support.js'

const postgres = drivers.find((d) => d.name === 'postgres')!

describe('@vectora/db: the pool', () => {
  useCleanup()

  forEachDriver((driver) => {
    it('answers a caller that waited the connection timeout with 503 DB_POOL_TIMEOUT; the pool recovers, nothing waits on', async () => {
      // SQLite: a pool of one (a transaction holds the connection); PostgreSQL: two connections, both held.
      const held = driver.name === 'sqlite' ? 1 : 2
      const pool = driver.name === 'sqlite' ? { connectionTimeoutMillis: 300 } : { max: 2, connectionTimeoutMillis: 300 }
      const app = createTestApp()
      app.register(db, await driver.options({ pool, txToken: false }))
      let release!: () => void
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      let holding = 0
      app.get('/hold', { inject: ['db'] }, (_req, { db }) =>
        db.transaction(async (tx) => {
          await tx.query`select 1 as n`
          holding++
          await gate
          return { held: true }
        }),
      )
      app.get('/one', { inject: ['db'] }, (_req, { db }) => db.one`select 2 as n`)
      const port = await listen(app)
      const database = app.resolve<Database>('db')

      const holders = Array.from({ length: held }, () => httpRequest(port, { url: '/hold' }))
      await until('every connection held', () => holding === held)
      const refused = await httpRequest(port, { url: '/one' })
      const body = assertProblem(refused, { status: 503, code: 'DB_POOL_TIMEOUT', instance: '/one' })
      assert.match(body.detail, /No database connection was free within 300 ms|within 300 ms/)
      assert.equal(refused.headers['retry-after'], '1')
      assert.equal(database.driver.stats().waiting, 0, 'the waiter that gave up is gone from the queue')

      release()
      for (const res of await Promise.all(holders)) assert.equal(res.status, 200)
      assert.deepEqual((await httpRequest(port, { url: '/one' })).json(), { n: 2 })
      const stats = database.driver.stats()
      assert.equal(stats.waiting, 0)
      assert.equal(stats.idle, stats.total, 'every connection came back')
      assert.ok(stats.total <= held)
    })

    it('serves 200 concurrent requests, each inserting in its own request transaction, all kept', async () => {
      const app = createTestApp()
      app.register(db, await driver.options({ pool: driver.name === 'sqlite' ? { connectionTimeoutMillis: 10_000 } : { max: 5 } }))
      app.onReady(() => app.resolve<Database>('db').execute(`create table hits (id ${driver.serial}, n integer not null)`, []))
      app.post('/hits/:n', { inject: ['tx'] }, async (req, { tx }) => {
        await tx.execute`insert into hits (n) values (${Number(req.params.n)})`
        return tx.one<{ count: number }>`select count(*) as count from hits where n = ${Number(req.params.n)}`
      })
      const port = await listen(app)
      const responses: TestResponse[] = await Promise.all(Array.from({ length: 200 }, (_, i) => httpRequest(port, { method: 'POST', url: `/hits/${i}` })))
      assert.deepEqual(
        responses.map((r) => r.status),
        responses.map(() => 200),
      )
      // Inside its own transaction each request saw its own row (count is a string in pg's bigint).
      for (const res of responses) assert.equal(Number(res.json().count), 1)
      const database = app.resolve<Database>('db')
      const rows = await database.query<{ n: number }>`select n from hits order by n`
      assert.deepEqual(
        rows.map((r) => r.n),
        Array.from({ length: 200 }, (_, i) => i),
      )
      const stats = database.driver.stats()
      assert.equal(stats.waiting, 0)
      assert.equal(stats.idle, stats.total)
    })
  })

  describe('postgres', () => {
    it('cancels a statement past statementTimeout: 503 DB_STATEMENT_TIMEOUT, and the connection serves the next one', async () => {
      const app = createTestApp()
      app.register(db, await postgres.options({ statementTimeout: 200, pool: { max: 1 }, txToken: false }))
      app.get('/sleep', { inject: ['db'] }, (_req, { db }) => db.query`select pg_sleep(${5})`)
      app.get('/one', { inject: ['db'] }, (_req, { db }) => db.one`select 1 as n`)
      const port = await listen(app)
      const started = Date.now()
      const res = await httpRequest(port, { url: '/sleep' })
      assertProblem(res, { status: 503, code: 'DB_STATEMENT_TIMEOUT', instance: '/sleep' })
      assert.ok(Date.now() - started < 4_000, 'PostgreSQL cancelled the 5 s sleep')
      assert.deepEqual((await httpRequest(port, { url: '/one' })).json(), { n: 1 })
      assert.equal(app.resolve<Database>('db').driver.stats().total, 1, 'the same single connection, not a new one')
    })

    it('names itself in pg_stat_activity with applicationName and keeps at most pool.max connections', async () => {
      const name = `vectora-pool-${process.pid}`
      const app = createTestApp()
      app.register(db, await postgres.options({ applicationName: name, pool: { max: 3 }, txToken: false }))
      app.get('/sleep', { inject: ['db'] }, (_req, { db }) => db.query`select pg_sleep(${0.2})`)
      const port = await listen(app)
      const admin = await adminClient()
      const count = async (): Promise<number> =>
        Number((await admin.query('select count(*) as n from pg_stat_activity where application_name = $1', [name])).rows[0].n)
      const all = Array.from({ length: 12 }, () => httpRequest(port, { url: '/sleep' }))
      let most = 0
      const watching = (async () => {
        for (let i = 0; i < 10; i++) most = Math.max(most, await count())
      })()
      for (const res of await Promise.all(all)) assert.equal(res.status, 200)
      await watching
      assert.ok(most >= 1 && most <= 3, `between 1 and pool.max connections were open (saw ${most})`)
      await app.close()
      await until('the pool closed its connections', async () => (await count()) === 0)
    })
  })
})
