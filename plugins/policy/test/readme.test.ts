/**
 * @module test/readme — the README's first example, as written there (but inject() instead of listen()), so
 * the documentation cannot drift from the code.
 */
import assert from 'node:assert/strict'
import { createApp, type VectoraRequest } from 'vectora'
import { createSigner, jwt } from '../../jwt/src/index.js'
import { can, definePolicy, policyPlugin, resourceOf, type PolicyDecision } from '../src/index.js'
import { captureLogger, useCleanup } from 'vectora/testing'

// ---- README example (start) ----
interface Note {
  id: string
  ownerId: string
  text: string
}

class NoteStore {
  readonly #notes = new Map<string, Note>([['1', { id: '1', ownerId: 'alice', text: 'hello' }]])
  async find(id: string): Promise<Note | undefined> {
    return this.#notes.get(id)
  }
}

const policy = definePolicy({
  roles: {
    reader: ['read:Note'],
    editor: { inherits: ['reader'], can: ['update:Note'] },
  },
  rules: [{ name: 'owner-can-update', action: 'update', resource: 'Note', when: ({ subject, resource }) => resource?.ownerId === subject.id }],
  subject: (req) => (req.auth ? { id: req.auth.subject, roles: req.auth.claims.roles } : undefined),
})

// Loads the note a route is about, through DI; the guard answers 404 when it is missing.
const loadNote = (req: VectoraRequest<any>) => req.services.resolve<NoteStore>('notes').find(req.params.id)

const secret = process.env.JWT_SECRET ?? 'dev-only-secret-at-least-32-bytes-long'
function buildApp(onDecision: (d: PolicyDecision) => void) {
  const app = createApp({ handleSignals: false, logger: captureLogger() }) // README: createApp()
  app.register(jwt, { secret, algorithms: ['HS256'], mode: 'optional' })
  app.provideValue('notes', new NoteStore())
  app.register(policyPlugin, { policy, onDecision })

  app.get('/notes/:id', { guards: [can('read', 'Note', loadNote)] }, (req) => resourceOf<Note>(req))
  app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, (req) => ({ ...resourceOf<Note>(req)!, text: 'edited' }))
  return app
}
const signer = createSigner({ secret, algorithm: 'HS256', expiresIn: '1h' })
// ---- README example (end) ----

describe('policy: the README example', () => {
  useCleanup()

  it('behaves as the README says', async () => {
    const decisions: PolicyDecision[] = []
    const app = buildApp((d) => void decisions.push(d))
    const as = (sub: string, roles: string[]) => ({ authorization: `Bearer ${signer.sign({ sub, roles })}` })
    try {
      assert.equal((await app.inject({ method: 'PUT', url: '/notes/1', headers: as('alice', ['reader']) })).status, 200)
      assert.equal((await app.inject({ method: 'PUT', url: '/notes/1', headers: as('bob', ['reader']) })).status, 403)
      assert.equal((await app.inject({ method: 'PUT', url: '/notes/1', headers: as('eve', ['editor']) })).status, 200)
      assert.equal((await app.inject({ method: 'GET', url: '/notes/2', headers: as('bob', ['reader']) })).status, 404)
      assert.equal((await app.inject({ method: 'GET', url: '/notes/1' })).status, 401)
      assert.deepEqual(
        decisions.map((d) => `${d.subject?.id ?? '-'} ${d.decision} ${d.rule ?? d.reason}`),
        ['alice allow owner-can-update', 'bob deny default', 'eve allow update:Note', 'bob deny not-found', '- deny unauthenticated'],
      )
    } finally {
      await app.close()
    }
  })
})
