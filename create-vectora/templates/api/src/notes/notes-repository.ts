/**
 * @module notes/notes-repository — the SQL of notes. Every function takes what runs statements (`db`, or the
 * request's transaction `tx`), so the caller decides whether a read and the writes after it share one
 * transaction.
 */
import type { Queryable } from '@vectora/db'
import { isDatabaseError } from '@vectora/db'
import { HttpError } from 'vectora'
import type { Note } from '../contracts.js'

const NOTE_COLUMNS = 'id, owner_id as "ownerId", title, body, version, created_at as "createdAt", updated_at as "updatedAt"'

/**
 * One note, or undefined.
 *
 * @example
 * const note = await findNote(db, 1)
 */
export function findNote(q: Queryable, id: number): Promise<Note | undefined> {
  return q.one<Note>(`select ${NOTE_COLUMNS} from notes where id = ?`, [id])
}

/**
 * A page of notes in id order, starting after `after`.
 *
 * @example
 * const { notes, next } = await listNotes(db, { limit: 20, after: 0 })
 */
export async function listNotes(q: Queryable, page: { limit: number; after: number }): Promise<{ notes: Note[]; next: number | null }> {
  // One row more than asked tells whether there is a next page.
  const rows = await q.query<Note>(`select ${NOTE_COLUMNS} from notes where id > ? order by id limit ?`, [page.after, page.limit + 1])
  const notes = rows.slice(0, page.limit)
  return { notes, next: rows.length > page.limit ? notes[notes.length - 1]!.id : null }
}

/**
 * Inserts a note owned by `ownerId`; a title the owner already used is a 409 `NOTE_TITLE_TAKEN`.
 *
 * @example
 * const note = await insertNote(tx, 'ada', { title: 'Groceries', body: 'milk' }, new Date())
 */
export async function insertNote(q: Queryable, ownerId: string, input: { title: string; body: string }, now: Date): Promise<Note> {
  const at = now.toISOString()
  const row = await q.one<{
    id: number
  }>`insert into notes (owner_id, title, body, created_at, updated_at) values (${ownerId}, ${input.title}, ${input.body}, ${at}, ${at}) returning id`.catch(
    titleTaken,
  )
  return (await findNote(q, row!.id))!
}

/**
 * Saves the current version of note `id` in its history, then applies `patch`. Run it in a transaction: if
 * the update fails (a title the owner already used), the saved version must not stay.
 *
 * @example
 * const note = await updateNote(tx, 1, { title: 'Shopping' }, new Date())
 */
export async function updateNote(q: Queryable, id: number, patch: { title?: string; body?: string }, now: Date): Promise<Note> {
  await q.execute`insert into note_versions (note_id, version, title, body, saved_at) select id, version, title, body, updated_at from notes where id = ${id}`
  await q.execute`update notes set title = coalesce(${patch.title ?? null}, title), body = coalesce(${patch.body ?? null}, body), version = version + 1, updated_at = ${now.toISOString()} where id = ${id}`.catch(
    titleTaken,
  )
  return (await findNote(q, id))!
}

/**
 * Deletes note `id` and its history; resolves whether it existed.
 *
 * @example
 * await deleteNote(tx, 1)
 */
export async function deleteNote(q: Queryable, id: number): Promise<boolean> {
  await q.execute`delete from note_versions where note_id = ${id}`
  return (await q.execute`delete from notes where id = ${id}`).rowCount > 0
}

/**
 * The saved versions of note `id`, oldest first.
 *
 * @example
 * const versions = await listVersions(db, 1)
 */
export function listVersions(q: Queryable, id: number): Promise<{ version: number; title: string; body: string; savedAt: string }[]> {
  return q.query`select version, title, body, saved_at as "savedAt" from note_versions where note_id = ${id} order by version`
}

/** The unique (owner_id, title) index refused the statement: that is the client's conflict, not a 500. */
function titleTaken(error: unknown): never {
  const cause = isDatabaseError(error, 'DB_QUERY_FAILED') ? (error.cause as { code?: string } | undefined) : undefined
  if (cause?.code === 'SQLITE_CONSTRAINT_UNIQUE' || cause?.code === '23505') {
    throw new HttpError(409, 'You already have a note with this title. Choose another title.', { code: 'NOTE_TITLE_TAKEN' })
  }
  throw error
}
