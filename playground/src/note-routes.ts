/**
 * @module playground/note-routes — the notes API: list and create your notes, read, replace and delete one. Every
 * route needs a token (`requireAuth`, so the document says so) and a policy decision (`can()`): the `/:id` routes
 * load the note first, so a missing note is a 404 and someone else's a 403.
 */
import { requireAuth } from '@vectora/jwt'
import { can } from '@vectora/policy'
import { type Group, HttpError, reply } from 'vectora'
import { Note, NoteInput, NoteParams, Page } from './contracts.js'
import { subjectOf, userGone } from './auth-routes.js'
import { loadedNote, loadNote } from './policy.js'
import './services.js'

const NOT_FOUND = { 404: { description: 'No such note (POLICY_NOT_FOUND, or NOTE_NOT_FOUND when it was deleted meanwhile).' } }
/**
 * A valid note is at most 10 120 characters, which JSON can spell in up to 120 KB (`\ud83d\ude00` is 12 bytes
 * for one emoji). 256 KiB leaves room past that, so a note somewhat too long gets the 400 naming its field rather
 * than a bare 413.
 */
const NOTE_BODY_LIMIT = 262_144

/**
 * The routes of the `/notes` group.
 *
 * @example
 * app.group('/notes', (notes) => noteRoutes(notes))
 */
export function noteRoutes(notes: Group): void {
  notes.get(
    '/',
    {
      guards: [requireAuth, can('list', 'Note')],
      schema: { query: Page, response: Note.array() },
      inject: ['notes'],
      docs: { summary: 'Your notes, newest first', tags: ['notes'] },
    },
    (req, { notes }) => notes.ofOwner(subjectOf(req), req.query.limit ?? 50, req.query.offset ?? 0),
  )

  notes.post(
    '/',
    {
      bodyLimit: NOTE_BODY_LIMIT,
      guards: [requireAuth, can('create', 'Note')],
      schema: { body: NoteInput, response: Note },
      inject: ['notes'],
      docs: { summary: 'Write a note', tags: ['notes'], status: 201, examples: { body: { title: 'Groceries', body: 'milk, eggs' } } },
    },
    async (req, { notes }) => {
      const note = await notes.create(subjectOf(req), req.body)
      if (note === undefined) throw userGone()
      return reply.json(note, { status: 201 })
    },
  )

  notes.get(
    '/:id',
    {
      guards: [requireAuth, can('read', 'Note', loadNote)],
      schema: { params: NoteParams, response: Note },
      docs: { summary: 'Read a note', tags: ['notes'], responses: NOT_FOUND },
    },
    (req) => loadedNote(req),
  )

  notes.put(
    '/:id',
    {
      bodyLimit: NOTE_BODY_LIMIT,
      guards: [requireAuth, can('update', 'Note', loadNote)],
      schema: { params: NoteParams, body: NoteInput, response: Note },
      inject: ['notes'],
      docs: { summary: 'Replace a note you own', tags: ['notes'], responses: NOT_FOUND },
    },
    async (req, { notes }) => {
      const note = await notes.update(req.params.id, req.body)
      if (note === undefined) throw noteGone()
      return note
    },
  )

  notes.delete(
    '/:id',
    {
      guards: [requireAuth, can('delete', 'Note', loadNote)],
      schema: { params: NoteParams },
      inject: ['notes'],
      docs: { summary: 'Delete a note (yours, or any as an admin)', tags: ['notes'], status: 204, responses: NOT_FOUND },
    },
    async (req, { notes }) => {
      if (!(await notes.remove(req.params.id))) throw noteGone()
      return reply.empty()
    },
  )
}

/** The note was deleted between the policy's load and the statement (two requests racing): the same 404. */
function noteGone(): HttpError {
  return new HttpError(404, 'No such note.', { code: 'NOTE_NOT_FOUND' })
}
