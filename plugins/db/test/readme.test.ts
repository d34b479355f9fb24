/**
 * @module plugins/db/test/readme — the README's code, run as a user runs it. The opening example is written to a
 * file inside the package (so `vectora`, `arktype` and `@vectora/db` resolve as in an app), started in a child
 * process with `PORT=0` on a temporary SQLite file, checked through real HTTP, and stopped with SIGTERM. The
 * kysely block is written next to it and imported, then run on both drivers.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Database, db, isDatabaseError } from '@vectora/db'
import { createTestApp, useCleanup } from 'vectora/testing'
import { forEachDriver } from './support.js'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')

/** The README's ```ts blocks, in order. */
function blocks(): string[] {
  return [...readFileSync(join(PACKAGE, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
}

interface Running {
  readonly child: ChildProcess
  readonly base: string
  readonly output: () => string
}

function start(file: string, env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', file], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = /notes on http:\/\/127\.0\.0\.1:(\d+)\/notes/.exec(output)?.[1]
      if (port !== undefined) resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${output}`)))
  })
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) return resolve(running.child.exitCode)
    running.child.once('exit', (code) => resolve(code))
    running.child.kill('SIGTERM')
  })
}

const post = (base: string, body: unknown) =>
  fetch(`${base}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('@vectora/db: README', function () {
  this.timeout(60_000)
  let dir: string

  before(() => {
    dir = mkdtempSync(join(PACKAGE, '.readme-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('runs the opening example: notes kept, a refused note rolled back with its audit row, 404, readiness, SIGTERM', async () => {
    const file = join(dir, 'example.ts')
    writeFileSync(file, blocks()[0]!)
    const dbFile = join(dir, 'notes.db')
    const running = await start(file, { DB_FILE: dbFile, NODE_ENV: 'production' })
    try {
      const { base } = running
      const created = await post(base, { body: 'milk' })
      assert.equal(created.status, 201)
      assert.deepEqual(await created.json(), { id: 1, body: 'milk' })
      const refused = await post(base, { body: 'my secret' })
      assert.equal(refused.status, 422)
      assert.equal(refused.headers.get('content-type'), 'application/problem+json')
      assert.equal(((await refused.json()) as { code: string }).code, 'NOTE_REFUSED')
      assert.deepEqual(await (await fetch(`${base}/notes`)).json(), [{ id: 1, body: 'milk' }])
      assert.deepEqual(await (await fetch(`${base}/notes/1`)).json(), { id: 1, body: 'milk' })
      assert.equal((await fetch(`${base}/notes/9`)).status, 404)
      assert.equal((await post(base, { body: '' })).status, 400)
      const ready = (await (await fetch(`${base}/health/ready`)).json()) as { status: string; checks: { db: { status: string } } }
      assert.equal(ready.status, 'ready')
      assert.equal(ready.checks.db.status, 'up')
    } finally {
      assert.equal(await stop(running), 0, `the example did not stop cleanly on SIGTERM:\n${running.output()}`)
    }
    // The refused note's audit row went with it: the file holds one note and one audit row.
    const app = createTestApp()
    app.register(db, { filename: dbFile })
    await app.ready()
    const database = app.resolve<Database>('db')
    assert.deepEqual(await database.query`select note, action from audit`, [{ note: 1, action: 'created' }])
    await app.close()
  })

  describe('the kysely block', () => {
    useCleanup()
    let kyselyModule: { notesQueries: (database: Database) => any }

    before(async () => {
      const file = join(dir, 'kysely.ts')
      const block = blocks().find((b) => b.includes('vectoraDialect'))
      assert.ok(block, 'the README has the kysely block')
      writeFileSync(file, block)
      kyselyModule = await import(pathToFileURL(file).href)
    })

    forEachDriver((driver) => {
      it('selects and inserts with returning on the plugin pool; a kysely transaction rolls back; errors stay DatabaseErrors', async () => {
        const app = createTestApp()
        app.register(db, await driver.options({ txToken: false }))
        await app.ready()
        const database = app.resolve<Database>('db')
        await database.execute(`create table notes (id ${driver.serial}, body text not null unique)`, [])
        const queries = kyselyModule.notesQueries(database)
        assert.deepEqual(await queries.add('a'), { id: 1 })
        assert.deepEqual(await queries.add('b'), { id: 2 })
        assert.deepEqual(await queries.list(), [
          { id: 1, body: 'a' },
          { id: 2, body: 'b' },
        ])
        await assert.rejects(
          queries.kysely.transaction().execute(async (trx: any) => {
            await trx.insertInto('notes').values({ body: 'c' }).execute()
            throw new Error('undo')
          }),
          /undo/,
        )
        assert.equal((await queries.list()).length, 2, 'the transaction rolled back')
        await assert.rejects(queries.add('a'), (e: unknown) => isDatabaseError(e, 'DB_QUERY_FAILED'))
        const stats = database.driver.stats()
        assert.equal(stats.idle, stats.total, 'kysely gave every connection back')
      })
    })
  })
})
