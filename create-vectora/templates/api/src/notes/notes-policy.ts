/**
 * @module notes/notes-policy — who may change which note: the owner edits and deletes their own notes, the
 * `admin` role any note; everything else is denied. The guards load the note through the request's
 * transaction, so the check and the write see the same row.
 */
import type { Transaction } from '@vectora/db'
import { definePolicy } from '@vectora/policy'
import { HttpError, type VectoraRequest } from 'vectora'
import type { Note } from '../contracts.js'
import { findNote } from './notes-repository.js'

/**
 * The policy; the subject is `req.auth` (set by @vectora/jwt): `{ id: sub, roles: claims.roles }`.
 *
 * @example
 * await notesPolicy.decide({ subject: { id: 'ada' }, action: 'update', type: 'Note', resource: { ownerId: 'ada' } }) // allow
 */
export const notesPolicy = definePolicy({
  roles: {
    admin: ['update:Note', 'delete:Note'],
  },
  rules: [
    {
      name: 'owner-edits-own-notes',
      action: ['update', 'delete'],
      resource: 'Note',
      when: { 'resource.ownerId': { ref: 'subject.id' } },
    },
  ],
})

/**
 * The resource loader of the `can()` guards: the note of `:id`, read in the request's transaction. Guards run
 * before the route's contract, so the id is checked here too.
 *
 * @example
 * app.patch('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, handler)
 */
export function loadNote(req: VectoraRequest<any>): Promise<Note | undefined> {
  const id = Number(req.params.id)
  if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, 'The note id must be a positive integer.', { code: 'NOTE_ID_INVALID' })
  return findNote(req.services.resolve<Transaction>('tx'), id)
}
