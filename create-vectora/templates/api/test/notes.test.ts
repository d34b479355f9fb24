/**
 * @module test/notes — the notes resource through app.inject() and a real socket: public reads, JWT-protected
 * writes, the ownership policy, contracts, and the request's transaction committing or rolling back whole.
 */
import assert from 'node:assert/strict'
import { assertProblem, forEachTransport, type Transport } from 'vectora/testing'
import type { App } from 'vectora'
import { as, testApp } from './support.js'

/** Writes a note as `owner` and returns it. */
async function write(t: Transport, app: App, owner: string, title: string, body = 'text'): Promise<{ id: number; version: number }> {
  const res = await t.request(app, { method: 'POST', url: '/notes', headers: as(owner), body: { title, body } })
  assert.equal(res.status, 201, res.text())
  return res.json()
}

describe('notes', () => {
  forEachTransport((t) => {
    it('writes a note owned by the caller, answering 201 with its location, and reads it back without a token', async () => {
      const { app } = testApp()
      const res = await t.request(app, { method: 'POST', url: '/notes', headers: as('ada'), body: { title: 'Groceries', body: 'milk' } })
      assert.equal(res.status, 201)
      const note = res.json()
      assert.equal(res.headers.location, `/notes/${note.id}`)
      assert.deepEqual(
        { ...note, createdAt: undefined, updatedAt: undefined },
        {
          id: 1,
          ownerId: 'ada',
          title: 'Groceries',
          body: 'milk',
          version: 1,
          createdAt: undefined,
          updatedAt: undefined,
        },
      )
      assert.deepEqual((await t.request(app, { url: `/notes/${note.id}` })).json(), note)
      assert.deepEqual((await t.request(app, { url: '/notes' })).json(), { notes: [note], next: null })
    })

    it('pages the list with limit and after', async () => {
      const { app } = testApp()
      for (const title of ['a', 'b', 'c']) await write(t, app, 'ada', title)
      const first = (await t.request(app, { url: '/notes?limit=2' })).json()
      assert.deepEqual(
        first.notes.map((n: { title: string }) => n.title),
        ['a', 'b'],
      )
      assert.equal(first.next, 2)
      const second = (await t.request(app, { url: `/notes?limit=2&after=${first.next}` })).json()
      assert.deepEqual(
        second.notes.map((n: { title: string }) => n.title),
        ['c'],
      )
      assert.equal(second.next, null)
    })

    it('refuses a write without a token with 401 and a Bearer challenge, and a forged token too', async () => {
      const { app } = testApp()
      const none = await t.request(app, { method: 'POST', url: '/notes', body: { title: 'x', body: '' } })
      assertProblem(none, { status: 401, code: 'JWT_MISSING' })
      assert.equal(none.headers['www-authenticate'], 'Bearer')
      const forged = await t.request(app, { method: 'POST', url: '/notes', headers: { authorization: 'Bearer not.a.jwt' }, body: { title: 'x', body: '' } })
      assertProblem(forged, { status: 401, code: 'JWT_INVALID' })
    })

    it('refuses a body that breaks the contract with 400, listing every failing field', async () => {
      const { app } = testApp()
      const res = await t.request(app, { method: 'POST', url: '/notes', headers: as('ada'), body: { title: '', body: 1, color: 'red' } })
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
      assert.deepEqual(problem.errors.map((e: { path: string }) => e.path).sort(), ['body', 'color', 'title'])
    })

    it('answers 404 for a note that does not exist and 400 for an id that is not a number', async () => {
      const { app } = testApp()
      assertProblem(await t.request(app, { url: '/notes/9' }), { status: 404, code: 'NOTE_NOT_FOUND' })
      assertProblem(await t.request(app, { url: '/notes/abc' }), { status: 400, code: 'VEC_ERR_VALIDATION' })
      assertProblem(await t.request(app, { method: 'PATCH', url: '/notes/abc', headers: as('ada'), body: { title: 'x' } }), {
        status: 400,
        code: 'NOTE_ID_INVALID',
      })
    })

    it('lets the owner change a note, keeping the old version in its history', async () => {
      const { app } = testApp()
      const note = await write(t, app, 'ada', 'Groceries', 'milk')
      const res = await t.request(app, { method: 'PATCH', url: `/notes/${note.id}`, headers: as('ada'), body: { body: 'milk, eggs' } })
      assert.equal(res.status, 200, res.text())
      assert.deepEqual([res.json().title, res.json().body, res.json().version], ['Groceries', 'milk, eggs', 2])
      const versions = (await t.request(app, { url: `/notes/${note.id}/versions` })).json()
      assert.deepEqual(
        versions.map((v: { version: number; body: string }) => [v.version, v.body]),
        [[1, 'milk']],
      )
    })

    it("refuses a change to someone else's note with 403, and lets an admin make it", async () => {
      const { app } = testApp()
      const note = await write(t, app, 'ada', 'Mine')
      assertProblem(await t.request(app, { method: 'PATCH', url: `/notes/${note.id}`, headers: as('bob'), body: { title: 'Ours' } }), {
        status: 403,
        code: 'VEC_ERR_FORBIDDEN',
      })
      assertProblem(await t.request(app, { method: 'DELETE', url: `/notes/${note.id}`, headers: as('bob') }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
      assertProblem(await t.request(app, { method: 'PATCH', url: `/notes/${note.id}`, body: { title: 'Ours' } }), {
        status: 401,
        code: 'POLICY_UNAUTHENTICATED',
      })
      assert.equal((await t.request(app, { url: `/notes/${note.id}` })).json().title, 'Mine')
      const byAdmin = await t.request(app, { method: 'PATCH', url: `/notes/${note.id}`, headers: as('root', ['admin']), body: { title: 'Moderated' } })
      assert.equal(byAdmin.status, 200, byAdmin.text())
      assert.equal(byAdmin.json().ownerId, 'ada')
    })

    it('rolls the whole request back when its update fails: a taken title is 409 and no version is saved', async () => {
      const { app } = testApp()
      await write(t, app, 'ada', 'First')
      const second = await write(t, app, 'ada', 'Second')
      // The history row is written first, then the update hits the unique (owner, title) index.
      const res = await t.request(app, { method: 'PATCH', url: `/notes/${second.id}`, headers: as('ada'), body: { title: 'First' } })
      assertProblem(res, { status: 409, code: 'NOTE_TITLE_TAKEN' })
      assert.deepEqual((await t.request(app, { url: `/notes/${second.id}/versions` })).json(), [])
      assert.equal((await t.request(app, { url: `/notes/${second.id}` })).json().version, 1)
      // Another owner may use the same title.
      await write(t, app, 'bob', 'First')
    })

    it('lets the owner delete a note with its history, answering 204, then 404', async () => {
      const { app } = testApp()
      const note = await write(t, app, 'ada', 'Temporary')
      await t.request(app, { method: 'PATCH', url: `/notes/${note.id}`, headers: as('ada'), body: { body: 'v2' } })
      const res = await t.request(app, { method: 'DELETE', url: `/notes/${note.id}`, headers: as('ada') })
      assert.equal(res.status, 204)
      assertProblem(await t.request(app, { url: `/notes/${note.id}` }), { status: 404, code: 'NOTE_NOT_FOUND' })
      assertProblem(await t.request(app, { method: 'DELETE', url: `/notes/${note.id}`, headers: as('ada') }), { status: 404, code: 'POLICY_NOT_FOUND' })
    })
  })
})
