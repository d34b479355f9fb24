/**
 * @module playground/schema — the tables, created when the app starts (`create table if not exists`: a file that
 * exists keeps its data). Notes use AUTOINCREMENT so the id of a deleted note is never given to a new one.
 */
import type { Database } from '@vectora/db'

/**
 * Creates the tables and indexes the playground needs, if they are missing.
 *
 * @example
 * app.onReady(() => migrate(app.resolve<Database>('db')))
 */
export async function migrate(database: Database): Promise<void> {
  await database.execute`create table if not exists users (
    id text primary key,
    username text not null unique,
    password_hash text not null,
    created_at text not null
  )`
  await database.execute`create table if not exists notes (
    id integer primary key autoincrement,
    owner_id text not null references users(id) on delete cascade,
    title text not null,
    body text not null,
    created_at text not null,
    updated_at text not null
  )`
  await database.execute`create index if not exists notes_by_owner on notes (owner_id, id)`
}
