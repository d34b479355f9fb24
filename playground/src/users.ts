/**
 * @module playground/users — the users table behind sign-up and login: create (409 when the name is taken), find
 * by name or id, list. Passwords arrive here already hashed; roles are not stored, they come from the
 * configuration (`PLAYGROUND_ADMINS`) each time a user logs in.
 */
import { randomUUID } from 'node:crypto'
import { type Database, isDatabaseError } from '@vectora/db'
import { HttpError } from 'vectora'

/**
 * A user row, password hash included: never sent to a client as it is.
 *
 * @example
 * const user: StoredUser | undefined = await users.byName('ada')
 */
export interface StoredUser {
  readonly id: string
  readonly username: string
  readonly passwordHash: string
  readonly createdAt: string
}

const COLUMNS = 'id, username, password_hash as "passwordHash", created_at as "createdAt"'

/**
 * The `users` service.
 *
 * @example
 * const user = await users.create('ada', await hashPassword('correct horse'))
 */
export class UserStore {
  readonly #db: Database
  constructor(database: Database) {
    this.#db = database
  }

  /** Adds a user with a random id; a taken username is a 409 `USERNAME_TAKEN`. */
  async create(username: string, passwordHash: string): Promise<StoredUser> {
    const user = { id: randomUUID(), username, passwordHash, createdAt: new Date().toISOString() }
    try {
      await this.#db.execute`insert into users (id, username, password_hash, created_at) values (${user.id}, ${username}, ${passwordHash}, ${user.createdAt})`
    } catch (error) {
      const cause = isDatabaseError(error, 'DB_QUERY_FAILED') ? (error.cause as { code?: string } | undefined) : undefined
      if (cause?.code === 'SQLITE_CONSTRAINT_UNIQUE' || cause?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw usernameTaken()
      throw error
    }
    return user
  }

  byName(username: string): Promise<StoredUser | undefined> {
    return this.#db.one<StoredUser>(`select ${COLUMNS} from users where username = ?`, [username])
  }

  byId(id: string): Promise<StoredUser | undefined> {
    return this.#db.one<StoredUser>(`select ${COLUMNS} from users where id = ?`, [id])
  }

  /** Oldest first. */
  list(limit: number, offset: number): Promise<StoredUser[]> {
    return this.#db.query<StoredUser>(`select ${COLUMNS} from users order by created_at, id limit ? offset ?`, [limit, offset])
  }
}

/**
 * 409: someone has that name.
 *
 * @example
 * if (taken) throw usernameTaken()
 */
export function usernameTaken(): HttpError {
  return new HttpError(409, 'That username is taken: choose another one, or log in if it is yours.', { code: 'USERNAME_TAKEN' })
}
