/**
 * @module test/request-transaction — `inject: ['tx']` on both drivers and both transports: committed before the
 * reply when the handler returns, rolled back when it throws (a 4xx HttpError too), when a later hook fails, and
 * — over a real socket — when the client goes away; a handler still running then gets DB_TRANSACTION_CLOSED.
 * A route that never touches `tx` begins nothing.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { type Database, db, isDatabaseError, type Transaction } from '@vectora/db'
import { HttpError } from 'vectora'
import { assertProblem, createTestApp, forEachTransport, listen, useCleanup } from 'vectora/testing'
import { forEachDriver, until } from './support.js'

describe('@vectora/db: the request transaction', () => {
  useCleanup()

  forEachDriver((driver) => {
    async function notesApp(routes: (app: ReturnType<typeof createTestApp>) => void) {
      const app = createTestApp()
      app.register(db, await driver.options())
      app.onReady(() => app.resolve<Database>('db').execute(`create table notes (id ${driver.serial}, body text not null)`, []))
      routes(app)
      return app
    }
    const bodies = async (app: ReturnType<typeof createTestApp>): Promise<string[]> =>
      (await app.resolve<Database>('db').query<{ body: string }>`select body from notes order by id`).map((r) => r.body)

    forEachTransport((t) => {
      it('commits before the reply leaves when the handler returns', async () => {
        const app = await notesApp((a) =>
          a.post('/notes', { inject: ['tx'] }, async (_req, { tx }) => {
            await tx.execute`insert into notes (body) values (${'kept'})`
            return { ok: true }
          }),
        )
        const res = await t.request(app, { method: 'POST', url: '/notes' })
        assert.equal(res.status, 200)
        assert.deepEqual(await bodies(app), ['kept'])
        assert.equal(app.resolve<Database>('db').driver.stats().waiting, 0)
      })

      it('rolls back when the handler throws, a 4xx HttpError included', async () => {
        const app = await notesApp((a) => {
          a.post('/crash', { inject: ['tx'] }, async (_req, { tx }) => {
            await tx.execute`insert into notes (body) values (${'lost-500'})`
            throw new Error('boom')
          })
          a.post('/refuse', { inject: ['tx'] }, async (_req, { tx }) => {
            await tx.execute`insert into notes (body) values (${'lost-409'})`
            throw new HttpError(409, 'Taken.', { code: 'TAKEN' })
          })
        })
        assert.equal((await t.request(app, { method: 'POST', url: '/crash' })).status, 500)
        assertProblem(await t.request(app, { method: 'POST', url: '/refuse' }), { status: 409, code: 'TAKEN', instance: '/refuse' })
        assert.deepEqual(await bodies(app), [])
        const stats = app.resolve<Database>('db').driver.stats()
        assert.equal(stats.idle, stats.total, 'both connections came back')
      })

      it('rolls back when a hook after the handler fails', async () => {
        const app = await notesApp((a) => {
          a.addHook('onSend', () => {
            throw new HttpError(502, 'Upstream refused the result.', { code: 'UPSTREAM' })
          })
          a.post('/notes', { inject: ['tx'] }, async (_req, { tx }) => {
            await tx.execute`insert into notes (body) values (${'lost'})`
            return { ok: true }
          })
        })
        const res = await t.request(app, { method: 'POST', url: '/notes' })
        assert.equal(res.status, 502)
        assert.deepEqual(await bodies(app), [])
      })

      it('begins nothing for a route that never uses tx', async () => {
        let tx: Transaction | undefined
        const app = await notesApp((a) =>
          a.get('/peek', { inject: ['tx', 'db'] }, async (_req, services) => {
            tx = services.tx
            return services.db.one`select count(*) as n from notes`
          }),
        )
        assert.equal((await t.request(app, { url: '/peek' })).status, 200)
        await assert.rejects(
          () => tx!.query`select 1`,
          (e: unknown) => isDatabaseError(e, 'DB_TRANSACTION_CLOSED'),
        )
      })
    })

    it('rolls back when the client goes away mid-request; the handler then gets DB_TRANSACTION_CLOSED', async () => {
      let inserted = false
      let late: unknown
      const app = await notesApp((a) =>
        a.post('/slow', { inject: ['tx'] }, async (req, { tx }) => {
          await tx.execute`insert into notes (body) values (${'lost'})`
          inserted = true
          await new Promise((resolve) => req.signal.addEventListener('abort', resolve, { once: true }))
          await new Promise((resolve) => setTimeout(resolve, 50))
          late = await tx.execute`insert into notes (body) values (${'too-late'})`.catch((e: unknown) => e)
          return { never: 'sent' }
        }),
      )
      const port = await listen(app)
      const socket = net.connect(port, '127.0.0.1')
      socket.on('error', () => {})
      socket.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n')
      await until('the row was inserted', () => inserted)
      socket.destroy()
      await until('the handler tried again', () => late !== undefined)
      assert.ok(isDatabaseError(late, 'DB_TRANSACTION_CLOSED'), `got ${String(late)}`)
      assert.deepEqual(await bodies(app), [])
      const stats = app.resolve<Database>('db').driver.stats()
      assert.equal(stats.idle, stats.total, 'the connection came back')
    })
  })
})
