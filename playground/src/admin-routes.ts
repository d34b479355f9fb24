/**
 * @module playground/admin-routes — what only admins may do: list everyone's notes and list the users. The group
 * requires a token; each route asks the policy (`list:AnyNote`, `list:User`, granted to the `admin` role only).
 */
import { can } from '@vectora/policy'
import type { Group } from 'vectora'
import { Note, Page, User } from './contracts.js'
import type { PlaygroundConfig } from './config.js'
import { roleOf, toUser } from './auth-routes.js'
import './services.js'

/**
 * The routes of the `/admin` group (which carries `requireAuth`).
 *
 * @example
 * app.group('/admin', { guards: [requireAuth] }, (admin) => adminRoutes(admin, config))
 */
export function adminRoutes(admin: Group, config: PlaygroundConfig): void {
  admin.get(
    '/notes',
    {
      guards: [can('list', 'AnyNote')],
      schema: { query: Page, response: Note.array() },
      inject: ['notes'],
      docs: { summary: "Everyone's notes, newest first (admins)", tags: ['admin'] },
    },
    (req, { notes }) => notes.all(req.query.limit ?? 50, req.query.offset ?? 0),
  )

  admin.get(
    '/users',
    {
      guards: [can('list', 'User')],
      schema: { query: Page, response: User.array() },
      inject: ['users'],
      docs: { summary: 'The users, oldest first (admins)', tags: ['admin'] },
    },
    async (req, { users }) => (await users.list(req.query.limit ?? 50, req.query.offset ?? 0)).map((user) => toUser(user, roleOf(config, user.username))),
  )
}
