/**
 * @module policy — the @vectora/policy plugin and its guard: `can(action, type, load?)` decides in the
 * authorize phase (401 without a subject, 404 for a missing resource, false -> 403 on deny), records every
 * decision (onDecision, and app.log at debug unless asked for more) and hands the loaded resource to the
 * handler (`resourceOf(req)`). A can() guard on a route without the plugin in its scope chain fails ready.
 */
import { type AnyRequest, defineGuard, definePlugin, HttpError, type Guard, type PluginApp, type VectoraRequest } from 'vectora'
import type { Subject } from './abac.js'
import { isPolicy, type Policy, type Verdict } from './define.js'
import { PolicyError, checkName, describe } from './errors.js'

/** One decision, as `onDecision` receives it and the log shows it. */
export interface PolicyDecision {
  /** The subject as `subject(req)` returned it (normalized), or undefined when nobody is authenticated. */
  readonly subject: Subject | undefined
  readonly action: string
  /** The resource type, and the id of the loaded resource when there is one. */
  readonly resource: { readonly type: string; readonly id: string | undefined }
  readonly decision: 'allow' | 'deny'
  /**
   * What decided: `role` (a role permission), `rule` (an allow or deny rule), `default` (nothing allowed),
   * `unauthenticated` (no subject: 401), `not-found` (the loader found nothing: 404).
   */
  readonly reason: Verdict['reason'] | 'unauthenticated' | 'not-found'
  /** The permission (`update:Note`) or the rule name that decided; undefined otherwise. */
  readonly rule: string | undefined
  /** The role that declares the permission (reason `role`). */
  readonly role: string | undefined
  readonly requestId: string
}

/** Options of `app.register(policyPlugin, options)`. */
export interface PolicyOptions {
  /** From `definePolicy()`. */
  policy: Policy
  /** Called (and awaited) with every decision; if it throws, the request fails with 500 (no unrecorded access). */
  onDecision?: (decision: PolicyDecision) => void | Promise<void>
  /**
   * `'debug'` (default): every decision at debug, when the logger has `debug` (the default logger has none, so
   * nothing is printed: decisions are for `onDecision`); `'deny'`: denials at info, allows at debug; `'all'`:
   * every decision at info; `'none'`: no log lines.
   */
  log?: 'debug' | 'deny' | 'all' | 'none'
  /**
   * true: a denial on a loaded resource answers the same 404 as a missing resource, so callers cannot
   * probe which ids exist. Default false (403).
   */
  concealDenied?: boolean
  /** `www-authenticate` value of the 401 (e.g. `Bearer`). Default: none. */
  challenge?: string
}

/** Loads the resource a guard checks (by id from `req.params`, often through `req.services`); null/undefined = 404. */
export type ResourceLoader<R = unknown> = (req: VectoraRequest<any>) => R | null | undefined | Promise<R | null | undefined>

/** What `req.policy` offers handlers: the subject, and decisions for checks a route guard cannot express. */
export interface RequestPolicy {
  /** The request's subject, or undefined when not authenticated. */
  subject(): Promise<Subject | undefined>
  /**
   * Decides (and records) `action` on `type`, for `resource` if given: true or false, also false when nobody is
   * authenticated. For lists: `notes.filter(...)` with one decision per item.
   */
  can(action: string, type: string, resource?: unknown): Promise<boolean>
}

const NAME = '@vectora/policy'
const OPTION_KEYS = new Set(['policy', 'onDecision', 'log', 'concealDenied', 'challenge'])
const NOT_FOUND = 'The requested resource was not found.'

/** The last resource a guard loaded per request, and each by type. */
const loaded = new WeakMap<object, { last: unknown; byType: Map<string, unknown> }>()

/** The per-app engine: the checked options and the app's facade (for its logger). */
class Engine {
  readonly #options: PolicyOptions
  readonly #app: PluginApp

  constructor(app: PluginApp, options: PolicyOptions) {
    this.#app = app
    this.#options = options
  }

  get policy(): Policy {
    return this.#options.policy
  }

  unauthenticated(): HttpError {
    const challenge = this.#options.challenge
    return new HttpError(401, 'Authentication is required.', {
      code: 'POLICY_UNAUTHENTICATED',
      headers: challenge === undefined ? undefined : { 'www-authenticate': challenge },
    })
  }

  get conceal(): boolean {
    return this.#options.concealDenied === true
  }

  async record(req: VectoraRequest<any>, decision: Omit<PolicyDecision, 'requestId'>): Promise<void> {
    const entry: PolicyDecision = Object.freeze({ ...decision, requestId: req.id })
    this.#log(entry)
    await this.#options.onDecision?.(entry)
  }

  #log(d: PolicyDecision): void {
    // Debug by default: a denial is an expected answer (the client gets its 403), not an event for the info
    // log of every app and every test run; audits go through onDecision, or opt in with log: 'deny' | 'all'.
    const mode = this.#options.log ?? 'debug'
    if (mode === 'none') return
    const log = this.#app.log as PluginApp['log'] & { debug?: (msg: string, fields?: Record<string, unknown>) => void }
    const fields = {
      plugin: '@vectora/policy',
      requestId: d.requestId,
      subject: d.subject?.id,
      roles: d.subject?.roles,
      action: d.action,
      resource: d.resource.type,
      resourceId: d.resource.id,
      decision: d.decision,
      reason: d.reason,
      rule: d.rule,
      role: d.role,
    }
    if (mode === 'all' || (mode === 'deny' && d.decision === 'deny')) log.info('policy decision', fields)
    else log.debug?.('policy decision', fields)
  }
}

/** `req.policy`: one per request, created on first use; caches the subject once known. */
class RequestPolicyImpl implements RequestPolicy {
  readonly #engine: Engine
  readonly #req: VectoraRequest<any>
  #subject: Subject | undefined

  constructor(engine: Engine, req: VectoraRequest<any>) {
    this.#engine = engine
    this.#req = req
  }

  async subject(): Promise<Subject | undefined> {
    // Only a found subject is cached: asked before authentication ran, the answer may change.
    return (this.#subject ??= await this.#engine.policy.subjectOf(this.#req))
  }

  async can(action: string, type: string, resource?: unknown): Promise<boolean> {
    checkName('req.policy.can(): action', action, true)
    checkName('req.policy.can(): resource type', type, true)
    const subject = await this.subject()
    if (subject === undefined) {
      await this.#deny(subject, action, type, resource, 'unauthenticated')
      return false
    }
    return (await this.#decide(subject, action, type, resource)) === 'allow'
  }

  /** The guard: 401, deny before loading, 404, then the decision. */
  async guard(action: string, type: string, load: ResourceLoader | undefined): Promise<boolean> {
    const engine = this.#engine
    const subject = await this.subject()
    if (subject === undefined) {
      await this.#deny(subject, action, type, undefined, 'unauthenticated')
      throw engine.unauthenticated()
    }
    // Nothing could allow: deny without loading (no database round trip, nothing learnt about the id).
    if (!engine.policy.mayAllow(subject, action, type)) {
      await this.#deny(subject, action, type, undefined, 'default')
      return false
    }
    let resource: unknown
    if (load !== undefined) {
      resource = await load(this.#req)
      if (resource === undefined || resource === null) {
        await this.#deny(subject, action, type, undefined, 'not-found')
        throw new HttpError(404, NOT_FOUND, { code: 'POLICY_NOT_FOUND' })
      }
    }
    if ((await this.#decide(subject, action, type, resource)) === 'deny') {
      if (load !== undefined && engine.conceal) throw new HttpError(404, NOT_FOUND, { code: 'POLICY_NOT_FOUND' })
      return false
    }
    if (load !== undefined) {
      const entry = loaded.get(this.#req) ?? { last: undefined, byType: new Map<string, unknown>() }
      entry.last = resource
      entry.byType.set(type, resource)
      loaded.set(this.#req, entry)
    }
    return true
  }

  async #decide(subject: Subject, action: string, type: string, resource: unknown): Promise<'allow' | 'deny'> {
    const env = await this.#engine.policy.envOf(this.#req)
    const v = await this.#engine.policy.decide({ subject, action, type, resource, env })
    await this.#engine.record(this.#req, {
      subject,
      action,
      resource: this.#resource(type, resource),
      decision: v.decision,
      reason: v.reason,
      rule: v.rule,
      role: v.role,
    })
    return v.decision
  }

  #deny(subject: Subject | undefined, action: string, type: string, resource: unknown, reason: PolicyDecision['reason']): Promise<void> {
    return this.#engine.record(this.#req, {
      subject,
      action,
      resource: this.#resource(type, resource),
      decision: 'deny',
      reason,
      rule: undefined,
      role: undefined,
    })
  }

  #resource(type: string, resource: unknown): PolicyDecision['resource'] {
    return Object.freeze({ type, id: resource === undefined ? undefined : this.#engine.policy.idOf(resource, type) })
  }
}

/**
 * The plugin: register it once, app-wide (or in the group whose routes use `can()`), with a policy. It adds
 * `req.policy` (the guard finds the policy through it); it adds no hook, so routes without a `can()` guard keep
 * their fast path.
 *
 * @example
 * app.register(policyPlugin, { policy, onDecision: (d) => audit.push(d) })
 */
export const policyPlugin = definePlugin({
  name: NAME,
  version: '0.1.0',
  setup(app, options: PolicyOptions) {
    const engine = new Engine(app, checkOptions(options))
    app.decorateRequest('policy', (req) => new RequestPolicyImpl(engine, req))
  },
})

/**
 * A guard for routes, groups and controllers: allows `action` on a resource of `type` for the request's
 * subject. With `load`, the resource is loaded first (404 when missing), rules see it, and the handler
 * reads it with `resourceOf(req)`. It needs `policyPlugin` registered app-wide or in a group enclosing its
 * routes; without it `app.ready()` fails (VEC_ERR_GUARD_PLUGIN_MISSING) naming the route.
 *
 * @example
 * const loadNote = (req: VectoraRequest<any>) => req.services.resolve<NoteStore>('notes').find(req.params.id)
 * app.put('/notes/:id', { guards: [can('update', 'Note', loadNote)] }, (req) => resourceOf<Note>(req))
 */
export function can<R>(action: string, type: string, load?: ResourceLoader<R>): Guard {
  checkName('can(): action', action, true)
  checkName('can(): resource type', type, true)
  if (load !== undefined && typeof load !== 'function')
    throw new PolicyError('POLICY_INVALID', `can(${action}, ${type}): the loader must be a function, got ${describe(load)}.`)
  const guard: Guard = (req) => {
    const p = (req as { policy?: unknown }).policy
    // Unreachable through an app (ready checks the requirement below); kept for a guard called by hand.
    if (!(p instanceof RequestPolicyImpl)) {
      throw new TypeError(`can(${action}, ${type}) needs the @vectora/policy plugin: app.register(policyPlugin, { policy }).`)
    }
    return p.guard(action, type, load as ResourceLoader | undefined)
  }
  Object.defineProperty(guard, 'name', { value: `can(${action}, ${type})` })
  return defineGuard(guard, { requires: [NAME], hint: "app.register(policyPlugin, { policy }) (import { policyPlugin } from '@vectora/policy')" })
}

/**
 * The resource a `can(..., load)` guard loaded for this request (of `type`, or the last one loaded), or
 * undefined when none did.
 *
 * @example
 * app.get('/notes/:id', { guards: [can('read', 'Note', loadNote)] }, (req) => resourceOf<Note>(req, 'Note'))
 */
export function resourceOf<T = unknown>(req: AnyRequest, type?: string): T | undefined {
  const entry = loaded.get(req as unknown as VectoraRequest<any>)
  return (type === undefined ? entry?.last : entry?.byType.get(type)) as T | undefined
}

function checkOptions(options: PolicyOptions): PolicyOptions {
  const bad = (what: string): never => {
    throw new PolicyError('POLICY_INVALID', `@vectora/policy: ${what}.`)
  }
  if (typeof options !== 'object' || options === null) bad(`register it with options { policy }, got ${describe(options)}`)
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k))
  if (unknown.length > 0) bad(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; options are ${[...OPTION_KEYS].join(', ')}`)
  if (!isPolicy(options.policy)) bad(`options.policy must come from definePolicy(), got ${describe(options.policy)}`)
  if (options.onDecision !== undefined && typeof options.onDecision !== 'function') bad(`onDecision must be a function, got ${describe(options.onDecision)}`)
  if (options.log !== undefined && !['debug', 'deny', 'all', 'none'].includes(options.log))
    bad(`log is 'debug', 'deny', 'all' or 'none', got ${describe(options.log)}`)
  if (options.concealDenied !== undefined && typeof options.concealDenied !== 'boolean')
    bad(`concealDenied must be a boolean, got ${describe(options.concealDenied)}`)
  if (options.challenge !== undefined && (typeof options.challenge !== 'string' || options.challenge === ''))
    bad(`challenge must be a non-empty string, got ${describe(options.challenge)}`)
  return { ...options }
}
