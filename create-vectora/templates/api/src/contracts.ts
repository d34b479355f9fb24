/**
 * @module contracts — the arktype Types of the notes API: what requests carry and what replies hold. Routes
 * validate against them before the handler runs, handlers are typed from them, and /openapi.json documents
 * them.
 */
import { type } from 'arktype'

/** A note as the API returns it; undeclared fields are stripped from replies (`'+': 'delete'`). */
export const Note = type({
  id: 'number.integer',
  ownerId: 'string',
  title: 'string',
  body: 'string',
  version: 'number.integer',
  createdAt: 'string',
  updatedAt: 'string',
  '+': 'delete',
})
export type Note = typeof Note.infer

/** An earlier version of a note, saved by each update. */
export const NoteVersion = type({ version: 'number.integer', title: 'string', body: 'string', savedAt: 'string', '+': 'delete' })

/** The body of `POST /notes`; unknown fields are refused with a 400. */
export const NewNote = type({ title: '0 < string <= 200', body: 'string <= 10000', '+': 'reject' })

/** The body of `PATCH /notes/:id`: a new title, a new body, or both. */
export const NotePatch = type({ 'title?': '0 < string <= 200', 'body?': 'string <= 10000', '+': 'reject' }).narrow(
  (patch, ctx) => patch.title !== undefined || patch.body !== undefined || ctx.mustBe('an object with a title or a body'),
)

/** `:id` of the note routes: a positive integer (coerced from the path). */
export const NoteParams = type({ id: 'number.integer > 0' })

/** The query of `GET /notes`: a page of at most `limit` notes whose id is greater than `after`. */
export const NoteQuery = type({ 'limit?': '1 <= number.integer <= 100', 'after?': 'number.integer >= 0' })

/** The reply of `GET /notes`: the page, and the `after` of the next one (null on the last page). */
export const NotePage = type({ notes: Note.array(), next: 'number.integer | null' })
