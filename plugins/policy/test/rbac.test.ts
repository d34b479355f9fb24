/**
 * @module test/rbac — roles: permissions granted through multi-level inheritance, wildcards, and every
 * definition mistake (cycle, unknown parent, malformed permission) rejected by definePolicy(), not on a request.
 */
import assert from 'node:assert/strict'
import { can, definePolicy, policyPlugin, PolicyError, type Subject } from '../src/index.js'
import { forEachTransport } from 'vectora/testing'
import { authOf, bearer, fakeAuth, testApp } from './support.js'

const roles = {
  reader: ['read:Note'],
  commenter: { inherits: ['reader'], can: ['comment:Note'] },
  editor: { inherits: ['commenter'], can: ['update:Note'] },
  admin: { inherits: ['editor'], can: ['delete:*'] },
  auditor: ['read:*'],
} as const

const user = (id: string, ...r: string[]): Subject => ({ id, roles: r })

function isPolicyError(code: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PolicyError, String(error))
    assert.equal(error.code, code)
    assert.match(error.message, pattern)
    return true
  }
}

describe('policy: roles (RBAC)', () => {
  describe('definition', () => {
    it('rejects a direct inheritance cycle when the policy is defined, naming the cycle', () => {
      assert.throws(() => definePolicy({ roles: { a: { inherits: ['b'] }, b: { inherits: ['a'] } } }), isPolicyError('POLICY_ROLE_CYCLE', /a -> b -> a/))
    })

    it('rejects a multi-level cycle and a role inheriting itself', () => {
      assert.throws(
        () => definePolicy({ roles: { viewer: [], a: { inherits: ['viewer', 'b'] }, b: { inherits: ['c'] }, c: { inherits: ['a'] } } }),
        isPolicyError('POLICY_ROLE_CYCLE', /a -> b -> c -> a/),
      )
      assert.throws(() => definePolicy({ roles: { self: { inherits: ['self'] } } }), isPolicyError('POLICY_ROLE_CYCLE', /self -> self/))
    })

    it('accepts a diamond (two parents sharing a grandparent): that is not a cycle', () => {
      const policy = definePolicy({
        roles: { base: ['read:Note'], left: { inherits: ['base'] }, right: { inherits: ['base'] }, both: { inherits: ['left', 'right'] } },
      })
      assert.ok(policy.mayAllow(user('u', 'both'), 'read', 'Note'))
    })

    it('rejects an unknown parent role, a malformed permission and unknown keys', () => {
      assert.throws(
        () => definePolicy({ roles: { editor: { inherits: ['reeder'] } } }),
        isPolicyError('POLICY_INVALID', /inherits "reeder", which is not declared/),
      )
      assert.throws(() => definePolicy({ roles: { r: ['readNote'] } }), isPolicyError('POLICY_INVALID', /"readNote" is not "action:Resource"/))
      assert.throws(() => definePolicy({ roles: { r: ['read:'] } }), isPolicyError('POLICY_INVALID', /not "action:Resource"/))
      assert.throws(
        () => definePolicy({ roles: { r: { can: ['read:Note'], inherit: ['x'] } as never } }),
        isPolicyError('POLICY_INVALID', /unknown key "inherit"/),
      )
      assert.throws(() => definePolicy({ role: {} } as never), isPolicyError('POLICY_INVALID', /unknown key "role"/))
    })
  })

  describe('decisions', () => {
    const policy = definePolicy({ roles })

    it('grants permissions inherited over several levels and names the role that declares them', async () => {
      assert.deepEqual(
        { ...(await policy.decide({ subject: user('a', 'admin'), action: 'read', type: 'Note' })) },
        { decision: 'allow', reason: 'role', rule: 'read:Note', role: 'reader' },
      )
      assert.deepEqual(
        { ...(await policy.decide({ subject: user('e', 'editor'), action: 'comment', type: 'Note' })) },
        { decision: 'allow', reason: 'role', rule: 'comment:Note', role: 'commenter' },
      )
    })

    it("never grants a child role's permission to its parent", async () => {
      assert.equal((await policy.decide({ subject: user('r', 'reader'), action: 'update', type: 'Note' })).decision, 'deny')
      assert.equal((await policy.decide({ subject: user('c', 'commenter'), action: 'update', type: 'Note' })).decision, 'deny')
    })

    it('matches wildcard permissions on either side', async () => {
      assert.equal((await policy.decide({ subject: user('a', 'admin'), action: 'delete', type: 'Invoice' })).rule, 'delete:*')
      assert.equal((await policy.decide({ subject: user('x', 'auditor'), action: 'read', type: 'Invoice' })).decision, 'allow')
      assert.equal((await policy.decide({ subject: user('x', 'auditor'), action: 'update', type: 'Invoice' })).decision, 'deny')
    })

    it('denies by default: no roles, undeclared roles and unknown actions get nothing', async () => {
      for (const subject of [user('n'), user('u', 'superuser'), { id: 'none' }]) {
        assert.deepEqual(
          { ...(await policy.decide({ subject, action: 'read', type: 'Note' })) },
          { decision: 'deny', reason: 'default', rule: undefined, role: undefined },
        )
      }
      assert.equal((await policy.decide({ subject: user('a', 'admin'), action: 'publish', type: 'Note' })).decision, 'deny')
    })
  })

  forEachTransport((t) => {
    it('lets a route through for a role that inherits the permission, and answers 403 to one that does not', async () => {
      const app = testApp()
      app.register(fakeAuth, {
        tokens: {
          admin: { subject: 'ada', claims: { roles: ['admin'] } },
          reader: { subject: 'rob', claims: { roles: ['reader'] } },
        },
      })
      app.register(policyPlugin, {
        policy: definePolicy({
          roles,
          subject: (req) => {
            const a = authOf(req)
            return a && { id: a.subject, roles: a.claims.roles }
          },
        }),
      })
      app.put('/notes/:id', { guards: [can('update', 'Note')] }, (req) => ({ updated: req.params.id }))
      app.get('/notes/:id', { guards: [can('read', 'Note')] }, (req) => ({ read: req.params.id }))

      assert.deepEqual((await t.request(app, { method: 'PUT', url: '/notes/1', headers: bearer('admin') })).json(), { updated: '1' })
      assert.deepEqual((await t.request(app, { url: '/notes/1', headers: bearer('reader') })).json(), { read: '1' })
      const denied = await t.request(app, { method: 'PUT', url: '/notes/1', headers: bearer('reader') })
      assert.equal(denied.status, 403)
      assert.equal(denied.json().code, 'VEC_ERR_FORBIDDEN')
    })
  })
})
