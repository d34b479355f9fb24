/**
 * @module schema — the database tables, created when the app gets ready. `create ... if not exists` keeps it
 * idempotent; when the schema starts to change, move to a migration tool.
 */
import type { Database } from '@vectora/db'

/**
 * Creates the tables the app needs, if they do not exist.
 *
 * @example
 * app.onReady(() => createSchema(app.resolve<Database>('db')))
 */
export async function createSchema(database: Database): Promise<void> {
  await database.execute`
    create table if not exists notes (
      id integer primary key,
      owner_id text not null,
      title text not null,
      body text not null,
      version integer not null default 1,
      created_at text not null,
      updated_at text not null,
      unique (owner_id, title)
    )`
  await database.execute`
    create table if not exists note_versions (
      note_id integer not null references notes (id) on delete cascade,
      version integer not null,
      title text not null,
      body text not null,
      saved_at text not null,
      primary key (note_id, version)
    )`
}
