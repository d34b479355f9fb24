/**
 * @module playground/contracts — the arktype types of the API: what requests must look like (checked by the core,
 * 400 with every failing path otherwise) and what replies look like (checked before they leave, and documented in
 * /openapi.json). Constraints are ones JSON Schema can say too, so the document promises exactly what is checked.
 */
import { type } from 'arktype'

/**
 * 3-32 of a-z, 0-9, `_` and `-`: one spelling per name, safe in URLs and logs.
 *
 * @example
 * Username('ada') // 'ada'; Username('Ada Lovelace') is an ArkErrors
 */
export const Username = type(/^[a-z0-9_-]{3,32}$/)

/**
 * Text of `min` to `max` characters. Written as a `u` pattern rather than `'min <= string <= max'`: arktype's
 * string lengths count UTF-16 units, JSON Schema's `minLength`/`maxLength` count code points, so an emoji would
 * be one character in the document and two here. `[\s\S]` under the `u` flag is one code point, in JavaScript
 * and in the JSON Schema pattern clients read alike.
 */
function text(min: number, max: number) {
  return type(new RegExp(`^[\\s\\S]{${min},${max}}$`, 'u'))
}

/**
 * The body of sign-up and login.
 *
 * @example
 * app.post('/auth/login', { schema: { body: Credentials } }, (req) => req.body.username)
 */
export const Credentials = type({
  username: Username,
  password: text(8, 128),
})

/**
 * `user` writes and reads their own notes; `admin` also reads and deletes everyone's.
 *
 * @example
 * const role: typeof Role.infer = 'admin'
 */
export const Role = type("'user' | 'admin'")

/**
 * A user as the API shows it: never the password hash.
 *
 * @example
 * app.get('/me', { schema: { response: User } }, handler)
 */
export const User = type({
  id: 'string',
  username: 'string',
  role: Role,
  createdAt: 'string',
})

/**
 * The reply of a login: a bearer token and who it is for.
 *
 * @example
 * const session: typeof Session.infer = { token, tokenType: 'Bearer', expiresIn: 3600, user }
 */
export const Session = type({
  token: 'string',
  tokenType: "'Bearer'",
  expiresIn: 'number.integer',
  user: User,
})

/**
 * A note's id in the path: a positive integer (JavaScript's safe range), coerced from the path's text.
 *
 * @example
 * app.get('/notes/:id', { schema: { params: NoteParams } }, (req) => req.params.id) // a number
 */
export const NoteParams = type({ id: '1 <= number.integer <= 9007199254740991' })

/**
 * What a client writes: a title and a body.
 *
 * @example
 * NoteInput({ title: 'Groceries', body: 'milk' })
 */
export const NoteInput = type({
  title: text(1, 120),
  body: text(0, 10_000),
})

/**
 * A note as stored.
 *
 * @example
 * app.get('/notes', { schema: { response: Note.array() } }, handler)
 */
export const Note = type({
  id: 'number.integer',
  ownerId: 'string',
  title: 'string',
  body: 'string',
  createdAt: 'string',
  updatedAt: 'string',
})

/**
 * Paging of lists: `limit` at a time, after skipping `offset`.
 *
 * @example
 * app.get('/notes', { schema: { query: Page } }, (req) => list(req.query.limit ?? 50, req.query.offset ?? 0))
 */
export const Page = type({
  'limit?': '1 <= number.integer <= 100',
  'offset?': '0 <= number.integer <= 1000000',
})

/**
 * A note's value.
 *
 * @example
 * const title = (note: NoteRecord) => note.title
 */
export type NoteRecord = typeof Note.infer

/**
 * A user's public value.
 *
 * @example
 * const isAdmin = (user: UserRecord) => user.role === 'admin'
 */
export type UserRecord = typeof User.infer
