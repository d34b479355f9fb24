/**
 * @module playground/services — the playground's own services (`users`, `notes`), built on the `db` service of
 * `@vectora/db`, and their types for handlers' `inject`.
 */
import type { App } from 'vectora'
import { NoteStore } from './notes.js'
import { UserStore } from './users.js'

declare module 'vectora' {
  interface ServiceTypes {
    /** The users table (users.ts). */
    users: UserStore
    /** The notes table (notes.ts). */
    notes: NoteStore
  }
}

/**
 * Provides `users` and `notes` (singletons over the `db` service).
 *
 * @example
 * app.register(db, { filename: ':memory:' })
 * provideStores(app)
 */
export function provideStores(app: App): void {
  app.provide('users', { deps: ['db'], factory: ({ db }) => new UserStore(db) })
  app.provide('notes', { deps: ['db'], factory: ({ db }) => new NoteStore(db) })
}
