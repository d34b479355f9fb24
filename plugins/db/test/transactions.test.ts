/**
 * @module test/transactions — `db.transaction(fn)` on both drivers: commit on return, rollback and rethrow on
 * a throw, one connection throughout, nested transactions as savepoints, a failing COMMIT, and a transaction
 * refusing statements once it ended; on SQLite, callers waiting for the one connection.
 */
import assert from 'node:assert/strict'
import { type Database, db, isDatabaseError, type Transaction } from '@vectora/db'
import { createTestApp } from 'vectora/testing'
import { forEachDriver } from './support.js'

describe('@vectora/db: transactions', () => {
  forEachDriver((driver) => {
    /** A ready db with a notes table and a deferred foreign key (a COMMIT can fail). */
    async function notes(extra?: Record<string, unknown>): Promise<Database> {
      const app = createTestApp()
      app.register(db, await driver.options(extra))
      await app.ready()
      const database = app.resolve<Database>('db')
      await database.execute('create table authors (id integer primary key)', [])
      await database.execute(
        `create table notes (id ${driver.serial}, body text not null, author integer references authors (id) deferrable initially deferred)`,
        [],
      )
      return database
    }
    const bodies = async (database: Database): Promise<string[]> =>
      (await database.query<{ body: string }>`select body from notes order by id`).map((r) => r.body)

    it('commits when the callback resolves, and returns its value', async () => {
      const database = await notes()
      const id = await database.transaction(async (tx) => {
        await tx.execute`insert into notes (body) values (${'a'})`
        return (await tx.one<{ id: number }>`insert into notes (body) values (${'b'}) returning id`)!.id
      })
      assert.equal(id, 2)
      assert.deepEqual(await bodies(database), ['a', 'b'])
      assert.deepEqual(database.driver.stats(), { total: 1, idle: 1, waiting: 0 })
    })

    it('rolls back and rethrows the error when the callback throws', async () => {
      const database = await notes()
      const failure = new Error('boom')
      await assert.rejects(
        database.transaction(async (tx) => {
          await tx.execute`insert into notes (body) values (${'lost'})`
          throw failure
        }),
        (error) => error === failure,
      )
      assert.deepEqual(await bodies(database), [])
      assert.deepEqual(database.driver.stats(), { total: 1, idle: 1, waiting: 0 })
    })

    it('rolls back when a statement fails, and the connection is reused', async () => {
      const database = await notes()
      await assert.rejects(
        database.transaction(async (tx) => {
          await tx.execute`insert into notes (body) values (${'lost'})`
          await tx.execute`insert into notes (body) values (${null})` // not null
        }),
        (error) => isDatabaseError(error, 'DB_QUERY_FAILED'),
      )
      assert.deepEqual(await bodies(database), [])
      assert.deepEqual(database.driver.stats(), { total: 1, idle: 1, waiting: 0 })
    })

    it('rejects a COMMIT that fails (a deferred foreign key) and keeps nothing', async () => {
      const database = await notes()
      await assert.rejects(
        database.transaction((tx) => tx.execute`insert into notes (body, author) values (${'orphan'}, ${42})`),
        (error) => isDatabaseError(error, 'DB_QUERY_FAILED'),
      )
      assert.deepEqual(await bodies(database), [])
      // The connection came back outside any transaction: the next one works.
      await database.transaction((tx) => tx.execute`insert into notes (body) values (${'next'})`)
      assert.deepEqual(await bodies(database), ['next'])
    })

    it('runs a nested transaction as a savepoint: its failure rolls back only its own statements', async () => {
      const database = await notes()
      await database.transaction(async (tx) => {
        await tx.execute`insert into notes (body) values (${'outer'})`
        await assert.rejects(
          tx.transaction(async (inner) => {
            await inner.execute`insert into notes (body) values (${'inner, lost'})`
            throw new Error('inner failed')
          }),
          /inner failed/,
        )
        await tx.transaction((inner) => inner.execute`insert into notes (body) values (${'inner, kept'})`)
        await tx.transaction((inner) => inner.transaction((deeper) => deeper.execute`insert into notes (body) values (${'deeper'})`))
      })
      assert.deepEqual(await bodies(database), ['outer', 'inner, kept', 'deeper'])
    })

    it('loses what a nested transaction kept when the outer one rolls back', async () => {
      const database = await notes()
      await assert.rejects(
        database.transaction(async (tx) => {
          await tx.transaction((inner) => inner.execute`insert into notes (body) values (${'inner'})`)
          throw new Error('outer failed')
        }),
        /outer failed/,
      )
      assert.deepEqual(await bodies(database), [])
    })

    it('refuses statements on the outer transaction while a nested one runs', async () => {
      const database = await notes()
      await database.transaction(async (tx) => {
        await tx.transaction(async () => {
          await assert.rejects(tx.query`select 1`, /nested transaction is running/)
        })
        assert.deepEqual(await tx.query`select 1 as one`, [{ one: 1 }])
      })
    })

    it('refuses statements with DB_TRANSACTION_CLOSED once the callback ended', async () => {
      const database = await notes()
      let kept: Transaction | undefined
      await database.transaction((tx) => {
        kept = tx
      })
      await assert.rejects(kept!.query`select 1`, (error) => isDatabaseError(error, 'DB_TRANSACTION_CLOSED') && error.status === 500)
    })

    if (driver.name === 'postgres') {
      it('holds one connection: its writes are invisible outside it until COMMIT', async () => {
        const database = await notes()
        await database.transaction(async (tx) => {
          await tx.execute`insert into notes (body) values (${'pending'})`
          assert.deepEqual(await bodies(database), [])
          assert.equal((await tx.query`select body from notes`).length, 1)
          assert.deepEqual(await tx.one`select pg_backend_pid() = pg_backend_pid() as same`, { same: true })
        })
        assert.deepEqual(await bodies(database), ['pending'])
      })
    }

    if (driver.name === 'sqlite') {
      it('makes other callers wait for the transaction, then run after its COMMIT', async () => {
        const database = await notes()
        let outside: Promise<string[]> | undefined
        await database.transaction(async (tx) => {
          await tx.execute`insert into notes (body) values (${'first'})`
          outside = bodies(database) // waits: the transaction holds the one connection
          assert.equal(database.driver.stats().waiting, 1)
          await tx.execute`insert into notes (body) values (${'second'})`
        })
        assert.deepEqual(await outside, ['first', 'second'])
      })

      it('fails a statement through db inside a transaction with DB_POOL_TIMEOUT saying why', async () => {
        const database = await notes({ pool: { connectionTimeoutMillis: 50 } })
        await database.transaction(async () => {
          await assert.rejects(
            database.query`select 1`,
            (error) => isDatabaseError(error, 'DB_POOL_TIMEOUT') && /a transaction holds it/.test(error.message) && error.status === 503,
          )
        })
        assert.deepEqual(database.driver.stats(), { total: 1, idle: 1, waiting: 0 })
      })
    }
  })
})
