/**
 * @module playground/policy — who may do what with notes and users. Deny by default: a `user` creates and lists
 * their own notes and reads, edits and deletes a note they own (the `owner-manages-note` rule); an `admin` is a
 * user who may also read, list and delete anyone's notes and list the users — but not edit someone else's note.
 * Someone else's note is a 403 (ids are not secret here), a missing one a 404.
 */
import { definePolicy, type ResourceLoader, resourceOf } from '@vectora/policy'
import { type } from 'arktype'
import { HttpError, type VectoraRequest } from 'vectora'
import { type NoteRecord, NoteParams } from './contracts.js'
import type { NoteStore } from './notes.js'

/**
 * The policy. The subject is what `@vectora/jwt` verified: `{ id: sub, roles: claims.roles }` (the default).
 *
 * @example
 * await notesPolicy.decide({ subject: { id: 'u1', roles: ['user'] }, action: 'update', type: 'Note', resource: note })
 */
export const notesPolicy = definePolicy({
  roles: {
    user: ['create:Note', 'list:Note'],
    admin: { inherits: ['user'], can: ['read:Note', 'delete:Note', 'list:AnyNote', 'list:User'] },
  },
  rules: [
    {
      name: 'owner-manages-note',
      action: ['read', 'update', 'delete'],
      resource: 'Note',
      roles: ['user'],
      when: { 'resource.ownerId': { ref: 'subject.id' } },
    },
  ],
})

// The core coerces path parameters with this rule (contracts/coerce.ts): a decimal number, then the contract.
const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/

/**
 * The note a `/notes/:id` route is about, for `can(action, 'Note', loadNote)`. Guards run before the route's
 * contract, so the id is checked here with the contract's own rule: what the contract would refuse is the same
 * 400, before any lookup.
 *
 * @example
 * app.get('/notes/:id', { guards: [requireAuth, can('read', 'Note', loadNote)] }, (req) => resourceOf(req))
 */
export const loadNote: ResourceLoader<NoteRecord> = (req: VectoraRequest<any>) => {
  const raw = String(req.params.id)
  const checked = NUMERIC.test(raw) ? NoteParams({ id: Number(raw) }) : undefined
  if (checked === undefined || checked instanceof type.errors) {
    throw new HttpError(400, 'The note id must be a positive integer.', { code: 'NOTE_ID_INVALID' })
  }
  return req.services.resolve<NoteStore>('notes').byId(checked.id)
}

/**
 * The note `loadNote` loaded for this request's guard. `resourceOf` takes the plain request type; a handler's
 * request is typed by its contract, hence the cast (the same object).
 *
 * @example
 * app.get('/notes/:id', { guards: [requireAuth, can('read', 'Note', loadNote)] }, (req) => loadedNote(req))
 */
export function loadedNote(req: object): NoteRecord {
  const note = resourceOf<NoteRecord>(req as VectoraRequest<any>, 'Note')
  if (note === undefined) throw new HttpError(404, 'No such note.', { code: 'NOTE_NOT_FOUND' })
  return note
}
