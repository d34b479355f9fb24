/**
 * @module test/jwt — the policy behind real JWT authentication: @vectora/jwt (the sibling package, from its
 * source) verifies the bearer token and sets req.auth in the authenticate phase; the policy reads the subject
 * from it (the default subject reader) in the authorize phase.
 */
import assert from 'node:assert/strict'
import { can, definePolicy, policyPlugin, resourceOf, type PolicyDecision } from '../src/index.js'
import { createSigner, jwt } from '../../jwt/src/index.js'
import { forEachTransport } from 'vectora/testing'
import { assertProblem, loadNote, NoteStore, testApp, type Note } from './support.js'

const SECRET = 'a-test-secret-of-at-least-32-bytes!!'
const signer = createSigner({ secret: SECRET, algorithm: 'HS256', issuer: 'https://auth.test', expiresIn: '5m' })
const token = (sub: string, claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${signer.sign({ sub, ...claims })}` })

const policy = definePolicy({
  roles: { reader: ['read:Note'], editor: { inherits: ['reader'], can: ['update:Note'] } },
  rules: [{ name: 'owner-can-update', action: 'update', resource: 'Note', when: { 'resource.ownerId': { ref: 'subject.id' } } }],
  // No `subject`: the default reads req.auth = { subject, claims: { roles } } as @vectora/jwt sets it.
})

function jwtApp(mode: 'required' | 'optional') {
  const app = testApp()
  const decisions: PolicyDecision[] = []
  app.register(jwt, { secret: SECRET, algorithms: ['HS256'], issuer: 'https://auth.test', mode })
  app.provideValue('notes', new NoteStore([{ id: 'n1', ownerId: 'alice', title: 'hello', status: 'draft' }]))
  app.register(policyPlugin, { policy, onDecision: (d) => void decisions.push(d) })
  app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, (req) => ({ updated: resourceOf<Note>(req)!.id, by: req.auth!.subject }))
  return { app, decisions }
}

describe('policy: with @vectora/jwt authentication', () => {
  forEachTransport((t) => {
    it('answers 403 to a valid token without the role and 200 to one with it', async () => {
      const { app, decisions } = jwtApp('required')
      assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1', headers: token('mallory', { roles: ['reader'] }) }), 403, 'VEC_ERR_FORBIDDEN')
      const ok = await t.request(app, { method: 'PUT', url: '/notes/n1', headers: token('ed', { roles: ['editor'] }) })
      assert.equal(ok.status, 200)
      assert.deepEqual(ok.json(), { updated: 'n1', by: 'ed' })
      assert.deepEqual(
        decisions.map((d) => [d.subject?.id, d.decision, d.rule]),
        [
          ['mallory', 'deny', undefined],
          ['ed', 'allow', 'update:Note'],
        ],
      )
    })

    it('allows the owner through a rule even without the role', async () => {
      const { app } = jwtApp('required')
      assert.equal((await t.request(app, { method: 'PUT', url: '/notes/n1', headers: token('alice') })).status, 200)
    })

    it('leaves bad and missing tokens to the jwt plugin (its 401) in required mode', async () => {
      const { app, decisions } = jwtApp('required')
      const forged = createSigner({ secret: 'another-secret-of-at-least-32-bytes!', algorithm: 'HS256', issuer: 'https://auth.test', expiresIn: '5m' })
      assert.equal(
        (await t.request(app, { method: 'PUT', url: '/notes/n1', headers: { authorization: `Bearer ${forged.sign({ sub: 'ed', roles: ['editor'] })}` } }))
          .status,
        401,
      )
      assert.equal((await t.request(app, { method: 'PUT', url: '/notes/n1' })).status, 401)
      assert.deepEqual(decisions, [], 'the policy never ran')
    })

    it('answers its own 401 for an anonymous request when the jwt plugin is optional', async () => {
      const { app, decisions } = jwtApp('optional')
      assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1' }), 401, 'POLICY_UNAUTHENTICATED')
      assert.deepEqual(
        decisions.map((d) => d.reason),
        ['unauthenticated'],
      )
    })
  })
})
