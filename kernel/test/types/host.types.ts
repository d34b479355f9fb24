/**
 * @module kernel/test/types/host.types — type-level tests of the plugin host's public API, checked by
 * `tsc --noEmit -p kernel/test/types/tsconfig.json` (types.test.ts); never run. Every `@ts-expect-error`
 * must be needed, so a type that is too loose fails as well as one that is wrong.
 */
import { type } from 'arktype'
import {
  Controller,
  createApp,
  definePlugin,
  Get,
  reply,
  type Guard,
  type Outcome,
  type PlanEntry,
  type PluginApp,
  type RequestFor,
  type ShutdownReport,
  type VectoraRequest,
} from 'vectora'
import { acmeAuth, type AcmeIdentity } from '../host/fixtures/third-party-plugin.js'

/** True only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | void {}

const app = createApp({ handleSignals: false })

// --- Handlers typed from contracts -----------------------------------------------------------------

const ItemParams = type({ id: 'number.integer' })
const ItemQuery = type({ 'verbose?': 'boolean', limit: 'number' })
const NewItem = type({ name: 'string', 'tags?': 'string[]' })

app.get('/items/:id', { schema: { params: ItemParams, query: ItemQuery } }, (req) => {
  const id: number = req.params.id
  // @ts-expect-error the contract made id a number
  const idString: string = req.params.id
  const limit: number = req.query.limit
  const verbose: boolean | undefined = req.query.verbose
  // @ts-expect-error verbose is optional
  const verboseSure: boolean = req.query.verbose
  // @ts-expect-error the contract declares no such param
  const other = req.params.other
  return { id, idString, limit, verbose, verboseSure, other }
})

app.post('/items', { schema: { body: NewItem } }, (req) => {
  const name: string = req.body.name
  const tags: string[] | undefined = req.body.tags
  // @ts-expect-error the body contract has no price
  const price = req.body.price
  return { name, tags, price }
})

app.route({
  method: 'PUT',
  path: '/items/:id',
  schema: { params: ItemParams, body: NewItem },
  handler: (req) => {
    const id: number = req.params.id
    const name: string = req.body.name
    return { id, name }
  },
})

// Without a contract: params come from the path, as strings; the body is unknown.
app.get('/users/:userId/files/*', (req) => {
  const userId: string = req.params.userId
  const rest: string = req.params['*']
  // @ts-expect-error the path has no :id
  const id = req.params.id
  // @ts-expect-error no body contract: req.body is unknown
  const name: string = req.body.name
  return { userId, rest, id, name }
})

// Groups and plugin facades type handlers the same way.
app.group('/v1', (g) => {
  g.get('/items/:id', { schema: { params: ItemParams } }, (req) => {
    const id: number = req.params.id
    return id
  })
})
const typedRoutes = definePlugin({
  name: 'typed-routes',
  version: '1.0.0',
  setup(p: PluginApp) {
    p.get('/p/:id', { schema: { params: ItemParams } }, (req) => {
      const id: number = req.params.id
      return id
    })
  },
})
app.register(typedRoutes)

// A plugin written as docs/plugins.md shows it, without annotating `app`: the facade is still typed.
const docsStyle = definePlugin({
  name: 'docs-style',
  version: '1.0.0',
  setup(app, options: { header: string }) {
    app.addHook('onRequest', (req) => {
      const value: string | undefined = req.header(options.header)
      return value === undefined ? reply.json({ missing: options.header }, { status: 400 }) : undefined
    })
    app.addHook('onSend', (r) => {
      r.header('x-docs-style', '1')
    })
    // @ts-expect-error the facade has no such method
    app.addHok('onRequest', () => undefined)
  },
})
app.register(docsStyle, { header: 'x-tenant' })
// @ts-expect-error options are typed from the setup signature
app.register(docsStyle, { header: 42 })

// --- Request decorations (module augmentation in the third-party fixture) ---------------------------

app.register(acmeAuth, { tokens: { t: { user: 'ada', roles: [] } } })
// @ts-expect-error the plugin's options are typed: `tokens` is required
app.register(acmeAuth, { tokenz: {} })

app.get('/me', (req) => {
  expectType<Equal<typeof req.auth, AcmeIdentity | undefined>>()
  const user: string | undefined = req.auth?.user
  // @ts-expect-error auth is optional: anonymous requests have none
  const sure: string = req.auth.user
  return { user, sure }
})
const isAdmin: Guard = (req) => req.auth?.roles.includes('admin') === true
app.addHook('authenticate', (req) => {
  req.auth = { user: 'x', roles: [] }
  // @ts-expect-error auth has the plugin's shape
  req.auth = { name: 'x' }
})

// --- Hooks ------------------------------------------------------------------------------------------

app.addHook('onSend', (r, req) => {
  r.header('x-path', req.path)
})
app.addHook('onSend', () => reply.json({ replaced: true }))
// @ts-expect-error onSend returns a Reply or nothing, not a plain value
app.addHook('onSend', () => 'not a reply')
app.addHook('onResponse', (_req, info) => {
  expectType<Equal<typeof info.outcome, Outcome>>()
  const outcome: 'completed' | 'errored' | 'aborted' | 'timed_out' = info.outcome
  const status: number = info.status
  const duration: number = info.duration
  return { outcome, status, duration }
})
app.addHook('onError', (error) => (error instanceof RangeError ? reply.text('range', { status: 416 }) : undefined))
app.addHook('preHandler', () => undefined, { name: 'n', before: ['a'], after: 'b', stage: -1, timeout: 100 })
// @ts-expect-error no such phase
app.addHook('onRequst', () => undefined)
// @ts-expect-error stage is a number
app.addHook('onRequest', () => undefined, { stage: 'early' })

// --- Guards, groups, controllers, lifecycle ---------------------------------------------------------

app.group('/admin', { guards: [isAdmin] }, (g) => {
  g.addHook('onRequest', () => undefined)
  g.get('/panel', { guards: [isAdmin] }, () => 'panel')
})
// @ts-expect-error guards are functions
app.group('/bad', { guards: ['admin'] }, () => {})

@Controller('/things', { inject: ['things'], guards: [isAdmin] })
class ThingController {
  constructor(readonly deps: { things: string[] }) {}
  @Get('/:id', { schema: { params: ItemParams } })
  show(req: VectoraRequest<{ id: number }>) {
    return this.deps.things[req.params.id]
  }
}
app.controller(ThingController)

app.provide<{ now(): number }>('clock', { factory: () => ({ now: () => 0 }), lifetime: 'scoped', dispose: (c) => void c.now() })
// @ts-expect-error lifetimes are singleton, scoped or transient
app.provide('bad', { factory: () => 1, lifetime: 'request' })

async function lifecycle(): Promise<void> {
  await app.ready()
  const plan: PlanEntry[] = app.pipeline('GET', '/items/:id')
  const report: ShutdownReport = await app.close()
  const exitCode: 0 | 1 = report.exitCode
  const owners: string[] = report.errors.map((e) => e.owner)
  void plan, exitCode, owners
}

// --- Typed deps, guards that narrow the request, requests of routes declared elsewhere ------------

declare module 'vectora' {
  interface ServiceTypes {
    inventory: { count(): number }
  }
}
app.provideValue('inventory', { count: () => 1 })
app.get('/count', { inject: ['inventory', 'clock'] }, (_req, deps) => {
  const count: number = deps.inventory.count()
  expectType<Equal<typeof deps.clock, unknown>>()
  // @ts-expect-error not in the inject list: a typo does not compile
  const typo = deps.inventroy
  return { count, typo }
})
app.get('/none', {}, (_req, deps) => {
  // @ts-expect-error nothing injected
  const nothing = deps.inventory
  return { nothing }
})

const signedIn: Guard<{ auth: { user: string; roles: string[] } }> = (req) => req.auth !== undefined
const hasTenant: Guard<{ tenant: string }> = () => true
app.get('/me', { guards: [signedIn, hasTenant] }, (req) => {
  const user: string = req.auth.user // no `!`: the guard established it
  const tenant: string = req.tenant
  return { user, tenant }
})
app.get('/open', { guards: [isAdmin] }, (req) => {
  // @ts-expect-error a plain guard establishes nothing: auth stays optional
  const user: string = req.auth.user
  return { user }
})

const createThing = { body: NewItem }
@Controller('/typed')
class TypedController {
  @Get('/:id', { schema: createThing })
  create(req: RequestFor<typeof createThing, '/:id', { tenant: string }>) {
    const name: string = req.body.name
    const id: string = req.params.id
    // @ts-expect-error the body contract has no price
    const price = req.body.price
    return { name, id, tenant: req.tenant, price }
  }
}
app.controller(TypedController)

export { lifecycle }
