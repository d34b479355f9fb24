/**
 * @module test/queries — statements on both drivers: rows as plain objects, `one` and `execute`, values that
 * stay parameters whatever they hold, composed fragments, the driver-syntax string form, SQLite files and
 * memory, and failed statements answered 500 without leaking the statement's values.
 */
import assert from 'node:assert/strict'
import { type Database, db, join, sql } from '@vectora/db'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { forEachDriver, logText, tempFile } from './support.js'

describe('@vectora/db: queries', () => {
  forEachDriver((driver) => {
    /** A ready app with a notes table and the routes `routes` adds; resolves the app and its db service. */
    async function notesApp(routes: (app: ReturnType<typeof createTestApp>) => void = () => {}) {
      const app = createTestApp()
      app.register(db, await driver.options())
      app.onReady(() => app.resolve<Database>('db').execute(`create table notes (id ${driver.serial}, body text not null)`, []))
      routes(app)
      await app.ready()
      return { app, database: app.resolve<Database>('db') }
    }

    it('returns rows as plain objects, the first row or undefined, and the count of changed rows', async () => {
      const { database } = await notesApp()
      assert.deepEqual(await database.execute`insert into notes (body) values (${'a'}), (${'b'})`, { rowCount: 2 })
      const rows = await database.query<{ id: number; body: string }>`select id, body from notes order by id`
      assert.deepEqual(rows, [
        { id: 1, body: 'a' },
        { id: 2, body: 'b' },
      ])
      assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype)
      assert.deepEqual(await database.one`select body from notes where id = ${2}`, { body: 'b' })
      assert.equal(await database.one`select body from notes where id = ${99}`, undefined)
      assert.deepEqual(await database.execute`update notes set body = ${'c'} where id > ${0}`, { rowCount: 2 })
      assert.deepEqual(await database.execute`delete from notes where id = ${99}`, { rowCount: 0 })
    })

    it('keeps an injection attempt as data: the value is stored as written and the statement does nothing else', async () => {
      const { database } = await notesApp()
      const attacks = ["'); drop table notes; --", "x' or '1'='1", '$1', '?', "\\'; select 1; --"]
      for (const attack of attacks) await database.execute`insert into notes (body) values (${attack})`
      assert.deepEqual(
        (await database.query<{ body: string }>`select body from notes order by id`).map((r) => r.body),
        attacks,
      )
      assert.deepEqual(await database.query`select body from notes where body = ${"x' or '1'='1"}`, [{ body: "x' or '1'='1" }])
      assert.deepEqual(await database.query`select id from notes where body = ${"nothing' or '1'='1"}`, [])
    })

    it('composes sql fragments and join() lists, every value a parameter', async () => {
      const { database } = await notesApp()
      await database.execute`insert into notes (body) values ${join([sql`(${'a'})`, sql`(${'b'})`, sql`(${'c'})`])}`
      const filter = sql`body in (${join(['a', 'c'])})`
      assert.deepEqual(await database.query`select body from notes where ${filter} and id > ${0} order by id`, [{ body: 'a' }, { body: 'c' }])
    })

    it("runs text written with the driver's own placeholders, with its parameters", async () => {
      const { database } = await notesApp()
      const mark = driver.name === 'postgres' ? '$1' : '?'
      await database.execute(`insert into notes (body) values (${mark})`, ['typed'])
      assert.deepEqual(await database.query(`select body from notes where body = ${mark}`, ['typed']), [{ body: 'typed' }])
      await assert.rejects(() => database.query('select 1' as never), /one array/)
    })

    forEachTransport((t) => {
      it('answers a failed statement with 500 DB_QUERY_FAILED; the log has the cause but not the values', async () => {
        const { app } = await notesApp((a) =>
          a.get('/bad', { inject: ['db'] }, (_req, { db }) =>
            // A data error: PostgreSQL quotes the bad value in its message; SQLite fails on the missing column.
            driver.name === 'postgres' ? db.query`select ${'sekret-value-1'}::int as n` : db.query`select nope from notes where body = ${'sekret-value-1'}`,
          ),
        )
        const res = await t.request(app, { url: '/bad' })
        const body = assertProblem(res, { status: 500, code: 'DB_QUERY_FAILED', instance: '/bad' })
        assert.equal(body.detail, 'A database query failed.')
        const [line] = app.logger.errors()
        assert.ok(line, 'the 500 is logged')
        const logged = logText(app.logger.lines)
        assert.match(logged, driver.name === 'postgres' ? /invalid input syntax for type integer/ : /no such column: nope/)
        assert.doesNotMatch(logged + res.text(), /sekret-value-1/)
      })
    })
  })

  describe('sqlite', () => {
    it('is the default: register(db) with no options is an in-memory database, ready at once', async () => {
      const app = createTestApp()
      app.register(db)
      await app.ready()
      const database = app.resolve<Database>('db')
      assert.equal(database.driver.target, 'sqlite :memory:')
      assert.deepEqual(await database.one`select ${1} + ${2} as n`, { n: 3 })
    })

    it('keeps a file database across apps, in WAL mode', async () => {
      const filename = tempFile('notes.db')
      const first = createTestApp()
      first.register(db, { filename })
      await first.ready()
      await first.resolve<Database>('db').execute`create table notes (body text)`
      await first.resolve<Database>('db').execute`insert into notes values (${'kept'})`
      await first.close()

      const second = createTestApp()
      second.register(db, { driver: 'sqlite', filename })
      await second.ready()
      const database = second.resolve<Database>('db')
      assert.deepEqual(await database.query`select body from notes`, [{ body: 'kept' }])
      assert.deepEqual(await database.one`pragma journal_mode`, { journal_mode: 'wal' })
    })

    it('stores booleans as 1/0, Dates as ISO text, objects and arrays as JSON text, undefined as NULL', async () => {
      const app = createTestApp()
      app.register(db)
      await app.ready()
      const database = app.resolve<Database>('db')
      const at = new Date('2025-01-02T03:04:05.000Z')
      const row =
        await database.one`select ${true} as yes, ${false} as no, ${at} as at, ${{ a: [1] }} as obj, ${[1, 'x']} as arr, ${undefined} as missing, ${Buffer.from('hi')} as bytes`
      assert.deepEqual(row, { yes: 1, no: 0, at: '2025-01-02T03:04:05.000Z', obj: '{"a":[1]}', arr: '[1,"x"]', missing: null, bytes: Buffer.from('hi') })
    })
  })
})
