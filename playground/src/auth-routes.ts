/**
 * @module playground/auth-routes — sign-up, login and `GET /me`. Sign-up stores a scrypt hash (passwords.ts);
 * login answers a short-lived HS256 JWT from `@vectora/jwt`'s signer, carrying the user's id (`sub`) and role
 * (`roles`, what `@vectora/policy` reads). A wrong password and an unknown username get the same 401, in the same
 * time.
 */
import { type AuthInfo, requireAuth } from '@vectora/jwt'
import { type Group, HttpError, reply } from 'vectora'
import type { PlaygroundConfig } from './config.js'
import { Credentials, Session, User, type UserRecord } from './contracts.js'
import { decoyHash, hashPassword, verifyPassword } from './passwords.js'
import type { StoredUser } from './users.js'
import './services.js'

/** Credentials are two short strings (at most 1.6 KB as escaped JSON): 16 KiB leaves room for the 400 of a too-long one. */
const AUTH_BODY_LIMIT = 16_384

/**
 * `POST /signup` and `POST /login`, in the group they are given (`/auth`, with its own rate limit).
 *
 * @example
 * app.group('/auth', (auth) => authRoutes(auth, config))
 */
export function authRoutes(auth: Group, config: PlaygroundConfig): void {
  auth.post(
    '/signup',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: { body: Credentials, response: User },
      inject: ['users'],
      docs: {
        summary: 'Create an account',
        description: 'Then log in with the same credentials to get a token.',
        tags: ['auth'],
        status: 201,
        responses: { 409: { description: 'The username is taken (USERNAME_TAKEN).' } },
        examples: { body: { username: 'ada', password: 'correct horse battery' } },
      },
    },
    async (req, { users }) => {
      const user = await users.create(req.body.username, await hashPassword(req.body.password))
      return reply.json(toUser(user, roleOf(config, user.username)), { status: 201 })
    },
  )

  auth.post(
    '/login',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: { body: Credentials, response: Session },
      inject: ['users', 'jwt'],
      docs: {
        summary: 'Log in: get a bearer token',
        description: 'Send the token as `Authorization: Bearer <token>`; it expires after `expiresIn` seconds.',
        tags: ['auth'],
        responses: { 401: { description: 'Unknown username or wrong password (LOGIN_FAILED).' } },
        examples: { body: { username: 'ada', password: 'correct horse battery' } },
      },
    },
    async (req, { users, jwt }) => {
      const user = await users.byName(req.body.username)
      // An unknown name still costs one scrypt: the reply time does not tell which names exist.
      const valid = await verifyPassword(req.body.password, user?.passwordHash ?? (await decoyHash()))
      if (user === undefined || !valid) throw loginFailed()
      const role = roleOf(config, user.username)
      const token = jwt.sign({ sub: user.id, roles: [role], name: user.username }, { expiresIn: config.tokenTtl })
      return { token, tokenType: 'Bearer' as const, expiresIn: config.tokenTtl, user: toUser(user, role) }
    },
  )
}

/**
 * `GET /me`: the signed-in user.
 *
 * @example
 * app.group('/me', (me) => meRoute(me, config))
 */
export function meRoute(me: Group, config: PlaygroundConfig): void {
  me.get(
    '/',
    { guards: [requireAuth], schema: { response: User }, inject: ['users'], docs: { summary: 'Who am I', tags: ['auth'] } },
    async (req, { users }) => {
      const user = await users.byId(req.auth.subject)
      if (user === undefined) throw userGone()
      return toUser(user, roleOf(config, user.username))
    },
  )
}

/**
 * The signed-in user's id (`sub`), on a route guarded by `requireAuth`. The guard already refused anonymous
 * requests; this says so to the type checker (a route whose guards are `[requireAuth, can(...)]` is not typed
 * with `req.auth`), and answers the same 401 should it ever be reached without one.
 *
 * @example
 * notes.get('/', { guards: [requireAuth, can('list', 'Note')] }, (req) => list(subjectOf(req)))
 */
export function subjectOf(req: { readonly auth?: AuthInfo }): string {
  if (req.auth === undefined) throw new HttpError(401, 'This route needs a bearer token.', { code: 'JWT_MISSING', headers: { 'www-authenticate': 'Bearer' } })
  return req.auth.subject
}

/**
 * The role a user gets: `admin` when listed in `PLAYGROUND_ADMINS`.
 *
 * @example
 * roleOf({ ...config, admins: ['root'] }, 'root') // 'admin'
 */
export function roleOf(config: PlaygroundConfig, username: string): UserRecord['role'] {
  return config.admins.includes(username) ? 'admin' : 'user'
}

/**
 * The public view of a user.
 *
 * @example
 * return toUser(stored, roleOf(config, stored.username))
 */
export function toUser(user: StoredUser, role: UserRecord['role']): UserRecord {
  return { id: user.id, username: user.username, role, createdAt: user.createdAt }
}

function loginFailed(): HttpError {
  return new HttpError(401, 'Unknown username or wrong password.', { code: 'LOGIN_FAILED' })
}

/**
 * 401 for a valid token whose user is gone (the database was reset while the secret stayed).
 *
 * @example
 * if (user === undefined) throw userGone()
 */
export function userGone(): HttpError {
  return new HttpError(401, 'The account of this token no longer exists: sign up again.', { code: 'USER_GONE', headers: { 'www-authenticate': 'Bearer' } })
}
