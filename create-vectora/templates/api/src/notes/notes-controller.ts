/**
 * @module notes/notes-controller — the `/notes` routes: public reads, JWT-protected writes, ownership checked by
 * the policy, and every write in the request's transaction (`inject: ['tx']`: COMMIT before the reply leaves,
 * ROLLBACK when anything throws).
 */
import type { Database } from '@vectora/db'
import { requireAuth } from '@vectora/jwt'
import { can } from '@vectora/policy'
import { Controller, Delete, Get, HttpError, Patch, Post, reply, type Deps, type RequestFor, type RouteSchema } from 'vectora'
import { NewNote, Note, NotePage, NoteParams, NotePatch, NoteQuery, NoteVersion } from '../contracts.js'
import { loadNote } from './notes-policy.js'
import { deleteNote, findNote, insertNote, listNotes, listVersions, updateNote } from './notes-repository.js'

const list = { query: NoteQuery, response: NotePage } satisfies RouteSchema
const show = { params: NoteParams, response: Note } satisfies RouteSchema
const versions = { params: NoteParams, response: NoteVersion.array() } satisfies RouteSchema
const create = { body: NewNote, response: Note } satisfies RouteSchema
const update = { params: NoteParams, body: NotePatch, response: Note } satisfies RouteSchema
const remove = { params: NoteParams } satisfies RouteSchema

const NOT_FOUND = { 404: { description: 'No such note (NOTE_NOT_FOUND, or POLICY_NOT_FOUND on writes).' } }
const CONFLICT = { 409: { description: 'The owner already has a note with this title (NOTE_TITLE_TAKEN).' } }

/**
 * The notes resource. Registered with `app.controller(NotesController)`; the constructor gets the `db` service.
 *
 * @example
 * app.controller(NotesController)
 * await app.inject({ url: '/notes' }) // 200 { notes: [], next: null }
 */
@Controller('/notes', { inject: ['db'] })
export class NotesController {
  readonly #db: Database

  constructor(deps: { db: Database }) {
    this.#db = deps.db
  }

  @Get('/', { schema: list, docs: { summary: 'List notes, oldest first', tags: ['notes'] } })
  list(req: RequestFor<typeof list>) {
    return listNotes(this.#db, { limit: req.query.limit ?? 20, after: req.query.after ?? 0 })
  }

  @Get('/:id', { schema: show, docs: { summary: 'Read a note', tags: ['notes'], responses: NOT_FOUND } })
  async show(req: RequestFor<typeof show, '/:id'>) {
    const note = await findNote(this.#db, req.params.id)
    if (note === undefined) throw new HttpError(404, 'There is no note with this id.', { code: 'NOTE_NOT_FOUND' })
    return note
  }

  @Get('/:id/versions', { schema: versions, docs: { summary: 'The earlier versions of a note', tags: ['notes'], responses: NOT_FOUND } })
  async versions(req: RequestFor<typeof versions, '/:id'>) {
    if ((await findNote(this.#db, req.params.id)) === undefined) {
      throw new HttpError(404, 'There is no note with this id.', { code: 'NOTE_NOT_FOUND' })
    }
    return listVersions(this.#db, req.params.id)
  }

  @Post('/', {
    schema: create,
    guards: [requireAuth],
    inject: ['tx'],
    docs: { summary: 'Write a note (you own it)', tags: ['notes'], status: 201, responses: CONFLICT },
  })
  async create(req: RequestFor<typeof create>, { tx }: Deps<['tx']>) {
    // requireAuth let the request through, so req.auth is set.
    const note = await insertNote(tx, req.auth!.subject, req.body, new Date())
    return reply.json(note, { status: 201, headers: { location: `/notes/${note.id}` } })
  }

  @Patch('/:id', {
    schema: update,
    guards: [can('update', 'Note', loadNote)],
    inject: ['tx'],
    docs: { summary: 'Change a note (its owner, or an admin); the old version is kept', tags: ['notes'], responses: { ...NOT_FOUND, ...CONFLICT } },
  })
  update(req: RequestFor<typeof update, '/:id'>, { tx }: Deps<['tx']>) {
    // The guard loaded the note in this transaction and checked it; saving the old version and the update
    // commit together, or neither does.
    return updateNote(tx, req.params.id, req.body, new Date())
  }

  @Delete('/:id', {
    schema: remove,
    guards: [can('delete', 'Note', loadNote)],
    inject: ['tx'],
    docs: { summary: 'Delete a note and its history (its owner, or an admin)', tags: ['notes'], status: 204, responses: NOT_FOUND },
  })
  async remove(req: RequestFor<typeof remove, '/:id'>, { tx }: Deps<['tx']>) {
    await deleteNote(tx, req.params.id)
    return reply.empty()
  }
}
