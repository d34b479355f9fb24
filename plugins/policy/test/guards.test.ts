/**
 * @module test/guards — the can() guard on routes, groups and controllers: deny by default, 401 vs 403,
 * ownership over a resource loaded through DI, 404 for a missing resource, the decision hook and log lines
 * (debug only by default), and the boot error of a can() whose plugin is not in the route's scope chain.
 */
import assert from 'node:assert/strict'
import { Controller, Get, Put, type VectoraRequest } from 'vectora'
import { can, definePolicy, policyPlugin, resourceOf, type PolicyDecision, type PolicyOptions } from '../src/index.js'
import { captureLogger, forEachTransport, useCleanup } from 'vectora/testing'
import { assertProblem, authOf, bearer, defaultLoggerApp, fakeAuth, loadNote, NoteStore, testApp, type Note } from './support.js'

const TOKENS = {
  alice: { subject: 'alice', claims: { roles: ['reader'] } },
  bob: { subject: 'bob', claims: { roles: ['reader'] } },
  ed: { subject: 'ed', claims: { roles: ['editor'] } },
  nobody: { subject: 'nobody', claims: {} },
}

const policy = definePolicy({
  roles: { reader: ['read:Note'], editor: { inherits: ['reader'], can: ['update:Note'] } },
  rules: [{ name: 'owner-can-update', action: 'update', resource: 'Note', when: ({ subject, resource }) => resource?.ownerId === subject.id }],
  subject: (req) => {
    const auth = authOf(req)
    return auth ? { id: auth.subject, roles: auth.claims.roles } : undefined
  },
})

const NOTES: Note[] = [
  { id: 'n1', ownerId: 'alice', title: "Alice's note", status: 'draft' },
  { id: 'n2', ownerId: 'bob', title: "Bob's note", status: 'published' },
]

/** An app with the stand-in auth, the notes service and the policy plugin. */
function notesApp(options: Partial<PolicyOptions> = {}, logger = captureLogger()) {
  const app = testApp(logger)
  const store = new NoteStore(NOTES)
  const decisions: PolicyDecision[] = []
  app.register(fakeAuth, { tokens: TOKENS })
  app.provideValue('notes', store)
  app.register(policyPlugin, { policy, onDecision: (d) => void decisions.push(d), ...options })
  return { app, store, decisions, logger }
}

/** The handler reads the note the guard loaded: no second lookup. */
const updateNote = (req: VectoraRequest<any>) => ({ ...resourceOf<Note>(req, 'Note')!, title: 'edited', editedBy: 'handler' })

describe('policy: the can() guard', () => {
  forEachTransport((t) => {
    it('answers 401 without a subject, 403 to a subject without permission, and the handler for one with it', async () => {
      const { app } = notesApp({ challenge: 'Bearer' })
      app.put('/notes/:id', { guards: [can('update', 'Note')] }, () => 'updated')
      const anonymous = await t.request(app, { method: 'PUT', url: '/notes/n1' })
      assertProblem(anonymous, 401, 'POLICY_UNAUTHENTICATED')
      assert.equal(anonymous.headers['www-authenticate'], 'Bearer')
      const forbidden = assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('nobody') }), 403, 'VEC_ERR_FORBIDDEN')
      // The core keeps the guard's name out of the public detail.
      assert.doesNotMatch(forbidden.detail, /can\(update, Note\)/)
      assert.equal((await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('ed') })).text(), 'updated')
    })

    it('denies by default: a route declaring an action nobody is granted answers 403 even to editors', async () => {
      const { app, decisions } = notesApp()
      app.delete('/notes/:id', { guards: [can('delete', 'Note', loadNote)] }, () => 'deleted')
      assertProblem(await t.request(app, { method: 'DELETE', url: '/notes/n1', headers: bearer('ed') }), 403, 'VEC_ERR_FORBIDDEN')
      assert.deepEqual(
        decisions.map((d) => [d.decision, d.reason, d.rule]),
        [['deny', 'default', undefined]],
      )
    })

    it('lets the owner update a note loaded through DI and hands it to the handler; others get 403', async () => {
      const { app, store } = notesApp()
      app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
      const res = await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('alice') })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { ...NOTES[0], title: 'edited', editedBy: 'handler' })
      assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('bob') }), 403, 'VEC_ERR_FORBIDDEN')
      // Editors update any note through their role.
      assert.equal((await t.request(app, { method: 'PUT', url: '/notes/n2', headers: bearer('ed') })).json().ownerId, 'bob')
      assert.equal(store.lookups, 3)
    })

    it('answers 404 for a missing resource, after authentication and before any rule runs', async () => {
      const { app, decisions } = notesApp()
      app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
      assertProblem(await t.request(app, { method: 'PUT', url: '/notes/nope', headers: bearer('alice') }), 404, 'POLICY_NOT_FOUND')
      assertProblem(await t.request(app, { method: 'PUT', url: '/notes/nope' }), 401, 'POLICY_UNAUTHENTICATED')
      assert.deepEqual(
        decisions.map((d) => d.reason),
        ['not-found', 'unauthenticated'],
      )
    })

    it('denies before loading when nothing could allow the action, so the id is never looked up', async () => {
      const { app, store } = notesApp()
      app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
      app.delete('/notes/:id', { guards: [can('delete', 'Note', loadNote)] }, () => 'deleted')
      // alice may update (the owner rule applies to update:Note) but nobody may delete.
      assertProblem(await t.request(app, { method: 'DELETE', url: '/notes/nope', headers: bearer('alice') }), 403, 'VEC_ERR_FORBIDDEN')
      assertProblem(await t.request(app, { method: 'DELETE', url: '/notes/n1', headers: bearer('alice') }), 403, 'VEC_ERR_FORBIDDEN')
      assert.equal(store.lookups, 0)
    })

    it('with concealDenied, answers a denial on an existing resource with the same 404 as a missing one', async () => {
      const { app, decisions } = notesApp({ concealDenied: true })
      app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
      const hidden = assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('bob') }), 404, 'POLICY_NOT_FOUND')
      const missing = assertProblem(await t.request(app, { method: 'PUT', url: '/notes/nope', headers: bearer('bob') }), 404, 'POLICY_NOT_FOUND')
      assert.equal(hidden.detail, missing.detail)
      // The record still tells the truth.
      assert.deepEqual(
        decisions.map((d) => [d.reason, d.resource.id]),
        [
          ['default', 'n1'],
          ['not-found', undefined],
        ],
      )
    })

    it('reports every decision with subject, action, resource (type and id), decision, rule and request id', async () => {
      const { app, decisions } = notesApp()
      app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
      await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('alice') })
      await t.request(app, { method: 'PUT', url: '/notes/n2', headers: bearer('ed') })
      await t.request(app, { method: 'PUT', url: '/notes/n2', headers: bearer('alice') })
      await t.request(app, { method: 'PUT', url: '/notes/n2' })
      assert.equal(decisions.length, 4)
      const [owner, editor, other, anonymous] = decisions
      assert.deepEqual(
        { ...owner, requestId: typeof owner.requestId },
        {
          subject: { id: 'alice', roles: ['reader'] },
          action: 'update',
          resource: { type: 'Note', id: 'n1' },
          decision: 'allow',
          reason: 'rule',
          rule: 'owner-can-update',
          role: undefined,
          requestId: 'string',
        },
      )
      assert.deepEqual([editor.decision, editor.reason, editor.rule, editor.role, editor.resource.id], ['allow', 'role', 'update:Note', 'editor', 'n2'])
      assert.deepEqual([other.decision, other.reason, other.rule, other.subject?.id], ['deny', 'default', undefined, 'alice'])
      assert.deepEqual(
        [anonymous.decision, anonymous.reason, anonymous.subject, anonymous.resource],
        ['deny', 'unauthenticated', undefined, { type: 'Note', id: undefined }],
      )
      assert.equal(new Set(decisions.map((d) => d.requestId)).size, 4)
    })

    it('by default logs no decision at info: a denial goes to onDecision, and to debug when the logger has one', async () => {
      for (const withDebug of [false, true]) {
        const logger = captureLogger({ debug: withDebug })
        const { app, decisions } = notesApp({}, logger)
        app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
        assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('bob') }), 403, 'VEC_ERR_FORBIDDEN')
        await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('alice') })
        assert.deepEqual(
          decisions.map((d) => d.decision),
          ['deny', 'allow'],
        )
        const lines = logger.lines.filter((l) => l.msg === 'policy decision')
        assert.deepEqual(
          lines.map((l) => [l.level, l.fields.decision, l.fields.subject, l.fields.resourceId, l.fields.rule]),
          withDebug
            ? [
                ['debug', 'deny', 'bob', 'n1', undefined],
                ['debug', 'allow', 'alice', 'n1', 'owner-can-update'],
              ]
            : [],
        )
        if (withDebug) {
          assert.equal(lines[0].fields.plugin, '@vectora/policy')
          assert.equal(typeof lines[0].fields.requestId, 'string')
        }
      }
    })

    it('writes nothing on stdout for a denial with the default logger', async () => {
      const app = defaultLoggerApp()
      app.register(fakeAuth, { tokens: TOKENS })
      app.register(policyPlugin, { policy })
      app.get('/notes/:id', { guards: [can('update', 'Note')] }, () => 'secret')
      const written: string[] = []
      const write = process.stdout.write
      process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (String(chunk).includes('policy decision')) written.push(String(chunk))
        return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest)
      }) as typeof process.stdout.write
      try {
        assertProblem(await t.request(app, { url: '/notes/n1', headers: bearer('bob') }), 403, 'VEC_ERR_FORBIDDEN')
      } finally {
        process.stdout.write = write
      }
      assert.deepEqual(written, [])
    })

    it("log: 'deny' logs denials at info (allows at debug), 'all' logs every decision at info, 'none' nothing", async () => {
      const levels: Record<string, string[][]> = {}
      for (const mode of ['deny', 'all', 'none'] as const) {
        const logger = captureLogger({ debug: true })
        const { app } = notesApp({ log: mode }, logger)
        app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
        await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('bob') })
        await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('alice') })
        levels[mode] = logger.lines.filter((l) => l.msg === 'policy decision').map((l) => [l.level, l.fields.decision])
      }
      assert.deepEqual(levels, {
        deny: [
          ['info', 'deny'],
          ['debug', 'allow'],
        ],
        all: [
          ['info', 'deny'],
          ['info', 'allow'],
        ],
        none: [],
      })
    })

    it('fails closed with 500 when onDecision throws (no unrecorded access)', async () => {
      const { app } = notesApp({
        onDecision: () => {
          throw new Error('audit store down')
        },
      })
      app.get('/notes/:id', { guards: [can('read', 'Note')] }, () => 'secret')
      const res = await t.request(app, { url: '/notes/n1', headers: bearer('alice') })
      assertProblem(res, 500, 'VEC_ERR_INTERNAL')
      assert.doesNotMatch(res.text(), /secret|audit/)
    })

    it("guards every route of a group, and a route guard adds to the group's", async () => {
      const { app } = notesApp()
      app.group('/notes', { guards: [can('read', 'Note')] }, (g) => {
        g.get('/:id', (req) => ({ id: req.params.id }))
        g.put('/:id', { guards: [can('update', 'Note', loadNote)] }, updateNote)
      })
      app.get('/health', () => 'ok')
      assertProblem(await t.request(app, { url: '/notes/n1', headers: bearer('nobody') }), 403, 'VEC_ERR_FORBIDDEN')
      assertProblem(await t.request(app, { url: '/notes/n1' }), 401, 'POLICY_UNAUTHENTICATED')
      assert.deepEqual((await t.request(app, { url: '/notes/n1', headers: bearer('bob') })).json(), { id: 'n1' })
      assertProblem(await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('bob') }), 403, 'VEC_ERR_FORBIDDEN')
      assert.equal((await t.request(app, { method: 'PUT', url: '/notes/n1', headers: bearer('alice') })).json().title, 'edited')
      assert.equal((await t.request(app, { url: '/health' })).text(), 'ok')
    })

    it('guards controller routes (@Controller guards and @Put guards) with the resource loaded through DI', async () => {
      @Controller('/c/notes', { guards: [can('read', 'Note')], inject: ['notes'] })
      class NoteController {
        readonly #notes: NoteStore
        constructor(deps: { notes: NoteStore }) {
          this.#notes = deps.notes
        }

        @Get('/:id', { guards: [can('read', 'Note', loadNote)] })
        show(req: VectoraRequest<{ id: string }>) {
          return resourceOf<Note>(req)
        }

        @Put('/:id', { guards: [can('update', 'Note', loadNote)] })
        save(req: VectoraRequest<{ id: string }>) {
          return this.#notes.update(resourceOf<Note>(req, 'Note')!.id, { title: 'saved' })
        }
      }
      const { app } = notesApp()
      app.controller(NoteController)
      assert.equal((await t.request(app, { url: '/c/notes/n2', headers: bearer('alice') })).json().ownerId, 'bob')
      assertProblem(await t.request(app, { url: '/c/notes/n2', headers: bearer('nobody') }), 403, 'VEC_ERR_FORBIDDEN')
      assertProblem(await t.request(app, { method: 'PUT', url: '/c/notes/n2', headers: bearer('alice') }), 403, 'VEC_ERR_FORBIDDEN')
      assert.deepEqual((await t.request(app, { method: 'PUT', url: '/c/notes/n1', headers: bearer('alice') })).json(), { ...NOTES[0], title: 'saved' })
      assertProblem(await t.request(app, { method: 'PUT', url: '/c/notes/zzz', headers: bearer('alice') }), 404, 'POLICY_NOT_FOUND')
    })

    it('lets a handler decide per item with req.policy.can() (filtering a list), recording each decision', async () => {
      const { app, decisions } = notesApp()
      app.get('/editable', { inject: ['notes'] }, async (req, { notes }) => {
        const all = await Promise.all(NOTES.map((n) => (notes as NoteStore).find(n.id)))
        const editable: string[] = []
        for (const note of all) if (await req.policy!.can('update', 'Note', note)) editable.push(note!.id)
        return { subject: (await req.policy!.subject())?.id ?? null, editable }
      })
      assert.deepEqual((await t.request(app, { url: '/editable', headers: bearer('alice') })).json(), { subject: 'alice', editable: ['n1'] })
      assert.deepEqual((await t.request(app, { url: '/editable', headers: bearer('ed') })).json(), { subject: 'ed', editable: ['n1', 'n2'] })
      assert.deepEqual((await t.request(app, { url: '/editable' })).json(), { subject: null, editable: [] })
      assert.equal(decisions.length, 6)
    })

    it("works with the plugin registered in an enclosing group, on the group's routes and nested ones", async () => {
      const app = testApp()
      app.register(fakeAuth, { tokens: TOKENS })
      app.provideValue('notes', new NoteStore(NOTES))
      app.group('/api', (api) => {
        api.register(policyPlugin, { policy })
        api.group('/notes', { guards: [can('read', 'Note')] }, (g) => g.get('/:id', (req) => ({ id: req.params.id })))
      })
      assert.deepEqual((await t.request(app, { url: '/api/notes/n1', headers: bearer('bob') })).json(), { id: 'n1' })
      assertProblem(await t.request(app, { url: '/api/notes/n1', headers: bearer('nobody') }), 403, 'VEC_ERR_FORBIDDEN')
    })
  })

  describe('registration', () => {
    useCleanup()

    it('adds no hook: routes without a can() guard keep the fast path (no pipeline at all)', async () => {
      const app = testApp()
      app.register(policyPlugin, { policy })
      app.get('/fast', () => 'fast')
      app.get('/guarded', { guards: [can('read', 'Note')] }, () => 'guarded')
      await app.ready()
      assert.deepEqual(app.pipeline('GET', '/fast'), [])
      assert.deepEqual(
        app.pipeline('GET', '/guarded').map((e) => [e.phase, e.name]),
        [['authorize', 'guards']],
      )
    })

    it('fails app.ready() naming the route, the guard and the plugin when a can() guard is used without @vectora/policy', async () => {
      const app = testApp()
      app.get('/notes', { guards: [can('read', 'Note')] }, () => 'secret')
      await assert.rejects(app.ready(), (error: Error) => {
        assert.equal((error as { code?: unknown }).code, 'VEC_ERR_GUARD_PLUGIN_MISSING', error.message)
        assert.match(error.message, /Route GET \/notes: guard can\(read, Note\) needs the plugin @vectora\/policy registered app-wide or in an enclosing group/)
        assert.match(error.message, /app\.register\(policyPlugin, \{ policy \}\)/)
        return true
      })
    })

    it('fails app.ready() for a group guarded by can() when the plugin is registered only in a sibling group', async () => {
      const app = testApp()
      app.group('/a', (g) => {
        g.register(policyPlugin, { policy })
        g.get('/notes', { guards: [can('read', 'Note')] }, () => 'a')
      })
      app.group('/b', { guards: [can('read', 'Note')] }, (g) => g.get('/notes', () => 'b'))
      await assert.rejects(app.ready(), (error: Error) => {
        assert.equal((error as { code?: unknown }).code, 'VEC_ERR_GUARD_PLUGIN_MISSING', error.message)
        assert.match(error.message, /Route GET \/b\/notes: guard can\(read, Note\) needs the plugin @vectora\/policy/)
        return true
      })
    })

    it('rejects options that are not a definePolicy() policy, and unknown options', () => {
      assert.throws(() => testApp().register(policyPlugin, { policy: { roles: {} } } as never), /options.policy must come from definePolicy/)
      assert.throws(() => testApp().register(policyPlugin, { policy, onDecison: () => {} } as never), /unknown option "onDecison"/)
      assert.throws(() => testApp().register(policyPlugin, { policy, log: 'info' } as never), /log is 'debug', 'deny', 'all' or 'none'/)
    })

    it('refuses a second policy in a sibling group (one policy per app)', () => {
      const app = testApp()
      app.group('/a', (g) => g.register(policyPlugin, { policy }))
      const other = definePolicy({ roles: { admin: ['*'] } })
      assert.throws(() => app.group('/b', (g) => g.register(policyPlugin, { policy: other })), /VEC_ERR_PLUGIN_SETUP_FAILED.*"policy"/s)
    })

    it('rejects a can() with a malformed action, type or loader where it is written', () => {
      assert.throws(() => can('update:all', 'Note'), /without ":"/)
      assert.throws(() => can('update', ''), /non-empty string/)
      assert.throws(() => can('update', 'Note', 'notes' as never), /loader must be a function/)
    })
  })
})
