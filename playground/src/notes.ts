/**
 * @module playground/notes — the notes table: the `notes` service the routes and the policy's loader use. Each
 * statement is one parameterized statement; nothing here decides who may do what (that is policy.ts).
 */
import type { Database } from '@vectora/db'
import type { NoteRecord } from './contracts.js'

const COLUMNS = 'id, owner_id as "ownerId", title, body, created_at as "createdAt", updated_at as "updatedAt"'

/**
 * The `notes` service.
 *
 * @example
 * const note = await notes.create(user.id, { title: 'milk', body: '' })
 */
export class NoteStore {
  readonly #db: Database
  constructor(database: Database) {
    this.#db = database
  }

  /**
   * Adds a note for `ownerId`; undefined when that user does not exist (any more): the insert selects from
   * `users`, so a token outliving its user cannot create orphans.
   */
  create(ownerId: string, input: { title: string; body: string }): Promise<NoteRecord | undefined> {
    const now = new Date().toISOString()
    return this.#db.one<NoteRecord>(
      `insert into notes (owner_id, title, body, created_at, updated_at) select id, ?, ?, ?, ? from users where id = ? returning ${COLUMNS}`,
      [input.title, input.body, now, now, ownerId],
    )
  }

  byId(id: number): Promise<NoteRecord | undefined> {
    return this.#db.one<NoteRecord>(`select ${COLUMNS} from notes where id = ?`, [id])
  }

  /** The owner's notes, newest first. */
  ofOwner(ownerId: string, limit: number, offset: number): Promise<NoteRecord[]> {
    return this.#db.query<NoteRecord>(`select ${COLUMNS} from notes where owner_id = ? order by id desc limit ? offset ?`, [ownerId, limit, offset])
  }

  /** Everyone's notes, newest first. */
  all(limit: number, offset: number): Promise<NoteRecord[]> {
    return this.#db.query<NoteRecord>(`select ${COLUMNS} from notes order by id desc limit ? offset ?`, [limit, offset])
  }

  /** The note after the update, or undefined when it is gone. */
  update(id: number, input: { title: string; body: string }): Promise<NoteRecord | undefined> {
    return this.#db.one<NoteRecord>(`update notes set title = ?, body = ?, updated_at = ? where id = ? returning ${COLUMNS}`, [
      input.title,
      input.body,
      new Date().toISOString(),
      id,
    ])
  }

  /** Whether a note was deleted. */
  async remove(id: number): Promise<boolean> {
    const { rowCount } = await this.#db.execute(`delete from notes where id = ?`, [id])
    return rowCount > 0
  }
}
