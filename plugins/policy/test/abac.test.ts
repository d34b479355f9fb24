/**
 * @module test/abac — attribute rules: conditions over subject, resource and environment (an injected clock,
 * the client IP), as functions or data, deny rules winning over allows, and rule mistakes caught at definition.
 */
import assert from 'node:assert/strict'
import { can, definePolicy, policyPlugin, PolicyError, type PolicyDecision, type Rule, type Subject } from '../src/index.js'
import { captureLogger, forEachTransport } from 'vectora/testing'
import { assertProblem, authOf, bearer, fakeAuth, testApp } from './support.js'

const alice: Subject = { id: 'alice', roles: ['staff'], department: 'sales' }
const bob: Subject = { id: 'bob', roles: ['staff'], department: 'legal' }

const fromAuth = (req: Parameters<typeof authOf>[0]) => {
  const a = authOf(req)
  return a && { id: a.subject, roles: a.claims.roles, department: a.claims.department }
}

describe('policy: attribute rules (ABAC)', () => {
  describe('decisions', () => {
    it('allows through a function condition over subject and resource, and names the rule', async () => {
      const policy = definePolicy({
        rules: [{ name: 'same-department', action: 'read', resource: 'Report', when: ({ subject, resource }) => resource?.department === subject.department }],
      })
      assert.deepEqual(
        { ...(await policy.decide({ subject: alice, action: 'read', type: 'Report', resource: { department: 'sales' } })) },
        { decision: 'allow', reason: 'rule', rule: 'same-department', role: undefined },
      )
      assert.equal((await policy.decide({ subject: bob, action: 'read', type: 'Report', resource: { department: 'sales' } })).decision, 'deny')
      assert.equal((await policy.decide({ subject: alice, action: 'update', type: 'Report', resource: { department: 'sales' } })).decision, 'deny')
    })

    it('evaluates data conditions: literals, one-of lists and refs to other attributes', async () => {
      const policy = definePolicy({
        rules: [
          { name: 'published', action: 'read', resource: 'Note', when: { 'resource.status': 'published' } },
          {
            name: 'owner-edits-drafts',
            action: ['update', 'delete'],
            resource: 'Note',
            when: { 'resource.ownerId': { ref: 'subject.id' }, 'resource.status': ['draft', 'review'] },
          },
        ],
      })
      const decide = async (subject: Subject, action: string, resource: object) => (await policy.decide({ subject, action, type: 'Note', resource })).decision
      assert.equal(await decide(bob, 'read', { status: 'published' }), 'allow')
      assert.equal(await decide(bob, 'read', { status: 'draft' }), 'deny')
      assert.equal(await decide(alice, 'update', { ownerId: 'alice', status: 'review' }), 'allow')
      assert.equal(await decide(alice, 'delete', { ownerId: 'alice', status: 'published' }), 'deny')
      assert.equal(await decide(bob, 'update', { ownerId: 'alice', status: 'draft' }), 'deny')
    })

    it('never matches a ref when both sides are missing (an absent attribute is not a match)', async () => {
      const policy = definePolicy({
        rules: [{ name: 'same-tenant', action: 'read', resource: 'Note', when: { 'resource.tenant': { ref: 'subject.tenant' } } }],
      })
      assert.equal((await policy.decide({ subject: { id: 'x' }, action: 'read', type: 'Note', resource: {} })).decision, 'deny')
      assert.equal((await policy.decide({ subject: { id: 'x', tenant: 't1' }, action: 'read', type: 'Note', resource: { tenant: 't1' } })).decision, 'allow')
    })

    it('lets an explicit deny rule win over a role permission and an allow rule', async () => {
      const policy = definePolicy({
        roles: { admin: ['*'] },
        rules: [
          { name: 'anyone-reads', action: 'read', resource: 'Note' },
          { name: 'locked', effect: 'deny', action: '*', resource: 'Note', when: { 'resource.locked': true } },
        ],
      })
      const admin: Subject = { id: 'root', roles: ['admin'] }
      assert.deepEqual(
        { ...(await policy.decide({ subject: admin, action: 'update', type: 'Note', resource: { locked: true } })) },
        { decision: 'deny', reason: 'rule', rule: 'locked', role: undefined },
      )
      assert.equal((await policy.decide({ subject: bob, action: 'read', type: 'Note', resource: { locked: true } })).rule, 'locked')
      assert.equal((await policy.decide({ subject: admin, action: 'update', type: 'Note', resource: { locked: false } })).decision, 'allow')
    })

    it('applies a rule restricted to roles to those roles and the roles inheriting them', async () => {
      const policy = definePolicy({
        roles: { staff: [], manager: { inherits: ['staff'] }, guest: [] },
        rules: [{ name: 'staff-read-reports', action: 'read', resource: 'Report', roles: ['staff'] }],
      })
      assert.equal((await policy.decide({ subject: { id: 'm', roles: ['manager'] }, action: 'read', type: 'Report' })).decision, 'allow')
      assert.equal((await policy.decide({ subject: { id: 'g', roles: ['guest'] }, action: 'read', type: 'Report' })).decision, 'deny')
    })

    it('rejects malformed rules when the policy is defined', () => {
      const bad = (rules: readonly unknown[], pattern: RegExp) =>
        assert.throws(
          () => definePolicy({ roles: { staff: [] }, rules: rules as Rule[] }),
          (e: unknown) => e instanceof PolicyError && e.code === 'POLICY_INVALID' && pattern.test(e.message),
        )
      bad(
        [
          { name: 'x', action: 'read', resource: 'Note' },
          { name: 'x', action: 'read', resource: 'Note' },
        ],
        /declared twice/,
      )
      bad([{ name: 'x', action: 'read', resource: 'Note', effect: 'maybe' }], /effect/)
      bad([{ name: 'x', action: 'read', resource: 'Note', roles: ['stuff'] }], /role "stuff", which is not declared/)
      bad([{ name: 'x', action: 'read', resource: 'Note', when: { 'resource.__proto__.x': 1 } }], /not an attribute path/)
      bad([{ name: 'x', action: 'read', resource: 'Note', when: { 'req.headers': 1 } }], /not an attribute path/)
      bad([{ name: 'x', action: 'read', resource: 'Note', when: { 'resource.a': { gt: 1 } } }], /expects a string/)
      bad([{ name: 'x', action: 'read:Note', resource: 'Note' }], /without ":"/)
      bad([{ name: 'x', action: 'read', resource: 'Note', condition: () => true }], /unknown key "condition"/)
    })
  })

  forEachTransport((t) => {
    it('denies outside business hours through a deny rule over an injected clock', async () => {
      let now = new Date('2025-03-03T10:00:00Z')
      const policy = definePolicy({
        roles: { staff: ['read:Report'] },
        rules: [
          {
            name: 'business-hours-only',
            effect: 'deny',
            action: '*',
            resource: 'Report',
            when: ({ env }) => env.now.getUTCHours() < 8 || env.now.getUTCHours() >= 18,
          },
        ],
        subject: fromAuth,
        env: () => ({ now }),
      })
      const decisions: PolicyDecision[] = []
      const app = testApp()
      app.register(fakeAuth, { tokens: { s: { subject: 'alice', claims: { roles: ['staff'] } } } })
      app.register(policyPlugin, { policy, onDecision: (d) => void decisions.push(d) })
      app.get('/reports', { guards: [can('read', 'Report')] }, () => ['q1'])

      assert.equal((await t.request(app, { url: '/reports', headers: bearer('s') })).status, 200)
      now = new Date('2025-03-03T22:30:00Z')
      assertProblem(await t.request(app, { url: '/reports', headers: bearer('s') }), 403, 'VEC_ERR_FORBIDDEN')
      assert.deepEqual(
        decisions.map((d) => [d.decision, d.reason, d.rule]),
        [
          ['allow', 'role', 'read:Report'],
          ['deny', 'rule', 'business-hours-only'],
        ],
      )
    })

    it('decides on the client IP (env.ip is req.ip by default)', async () => {
      const policy = definePolicy({
        rules: [
          { name: 'loopback-admin', action: 'read', resource: 'Metrics', when: ({ env }) => env.ip === '127.0.0.1' },
          { name: 'vpn-admin', action: 'read', resource: 'Secrets', when: ({ env }) => typeof env.ip === 'string' && env.ip.startsWith('10.') },
        ],
        subject: fromAuth,
      })
      const app = testApp()
      app.register(fakeAuth, { tokens: { s: { subject: 'alice', claims: {} } } })
      app.register(policyPlugin, { policy })
      app.get('/metrics', { guards: [can('read', 'Metrics')] }, () => 'up 1')
      app.get('/secrets', { guards: [can('read', 'Secrets')] }, () => 'hunter2')
      // Both transports come from 127.0.0.1.
      assert.equal((await t.request(app, { url: '/metrics', headers: bearer('s') })).text(), 'up 1')
      assertProblem(await t.request(app, { url: '/secrets', headers: bearer('s') }), 403, 'VEC_ERR_FORBIDDEN')
    })

    it('fails with 500 (never allows) when a condition returns something other than a boolean', async () => {
      const logger = captureLogger()
      const app = testApp(logger)
      app.register(fakeAuth, { tokens: { s: { subject: 'alice', claims: {} } } })
      const sloppy = (() => 'yes') as unknown as () => boolean
      app.register(policyPlugin, { policy: definePolicy({ rules: [{ name: 'sloppy', action: 'read', resource: 'Note', when: sloppy }], subject: fromAuth }) })
      app.get('/notes', { guards: [can('read', 'Note')] }, () => 'secret')
      const res = await t.request(app, { url: '/notes', headers: bearer('s') })
      assertProblem(res, 500, 'VEC_ERR_INTERNAL')
      assert.doesNotMatch(res.text(), /secret/)
    })
  })
})
