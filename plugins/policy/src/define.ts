/**
 * @module define — definePolicy(): roles, rules, how to read the subject and the environment from a request,
 * all checked once; the returned Policy decides (deny rules, then role permissions, then allow rules, else deny).
 */
import type { VectoraRequest } from 'vectora'
import { compileRules, type Rule, type Subject } from './abac.js'
import { PolicyError, describe } from './errors.js'
import { compileRoles, type Roles } from './rbac.js'

/**
 * What `subject(req)` returns: an id and roles as found (a claim is `unknown`); the policy normalizes it into
 * a Subject (`id` a string, `roles` the strings of an array, anything else no roles).
 */
export interface SubjectInput {
  readonly id: string | number
  readonly roles?: unknown
  readonly [attribute: string]: unknown
}

/** Reads the subject of a request; undefined (or null) = not authenticated (401). */
export type SubjectReader = (req: VectoraRequest<any>) => SubjectInput | undefined | null | Promise<SubjectInput | undefined | null>

/** What `definePolicy()` takes. */
export interface PolicyDefinition {
  /** Role -> permissions (`action:Resource`), with inheritance. */
  roles?: Roles
  /** Attribute rules; `effect: 'deny'` ones win over every allow. */
  rules?: readonly Rule[]
  /**
   * The subject of a request. Default: from `req.auth` as `@vectora/jwt` sets it,
   * `{ id: auth.subject, roles: auth.claims.roles }`.
   */
  subject?: SubjectReader
  /**
   * Extra environment attributes for rules, merged over the defaults `{ now: new Date(), ip: req.ip }`;
   * inject a clock here in tests.
   */
  env?: (req: VectoraRequest<any>) => Record<string, unknown> | Promise<Record<string, unknown>>
  /** The id of a loaded resource in decisions and logs. Default: its `id` field when a string or number. */
  resourceId?: (resource: unknown, type: string) => string | number | undefined
}

/** The outcome of one decision, and what decided it. */
export interface Verdict {
  readonly decision: 'allow' | 'deny'
  /** `role`: a role permission allowed; `rule`: an allow or deny rule decided; `default`: nothing allowed. */
  readonly reason: 'role' | 'rule' | 'default'
  /** The permission (`update:Note`, reason `role`) or the rule name (reason `rule`); undefined for `default`. */
  readonly rule: string | undefined
  /** The role declaring the permission, for reason `role`. */
  readonly role: string | undefined
}

/** What `policy.decide()` takes: a subject, an action on a resource type, the resource if any, the environment. */
export interface DecideInput {
  readonly subject: Subject
  readonly action: string
  readonly type: string
  readonly resource?: unknown
  readonly env?: Readonly<Record<string, unknown>>
}

/** A checked policy, for `app.register(policyPlugin, { policy })`; `decide()` also works without HTTP. */
export interface Policy {
  /** Decides one request: deny rules first, then role permissions, then allow rules; otherwise deny. */
  decide(input: DecideInput): Promise<Verdict>
  /**
   * False when nothing could allow `action` on `type` for this subject (no role permission, no allow rule
   * that applies); the guard then denies before loading the resource.
   */
  mayAllow(subject: Subject, action: string, type: string): boolean
  /** The subject of `req` (normalized: `id` a string, `roles` an array of strings), or undefined. */
  subjectOf(req: VectoraRequest<any>): Promise<Subject | undefined>
  /** The environment of `req` for rules. */
  envOf(req: VectoraRequest<any>): Promise<Readonly<Record<string, unknown>>>
  /** The id of a loaded resource, for decisions. */
  idOf(resource: unknown, type: string): string | undefined
}

const KEYS = new Set(['roles', 'rules', 'subject', 'env', 'resourceId'])
const policies = new WeakSet<Policy>()

/**
 * Defines a policy. Everything is checked here: unknown keys, role inheritance cycles and unknown parents,
 * malformed permissions, duplicate or malformed rules (PolicyError).
 *
 * @example
 * const policy = definePolicy({
 *   roles: { reader: ['read:Note'], editor: { inherits: ['reader'], can: ['update:Note'] } },
 *   rules: [{ name: 'owner-can-update', action: 'update', resource: 'Note', when: ({ subject, resource }) => resource?.ownerId === subject.id }],
 *   subject: (req) => req.auth ? { id: req.auth.subject, roles: req.auth.claims.roles } : undefined,
 * })
 */
export function definePolicy(definition: PolicyDefinition): Policy {
  if (typeof definition !== 'object' || definition === null)
    throw new PolicyError('POLICY_INVALID', `definePolicy() takes an object, got ${describe(definition)}.`)
  const unknown = Object.keys(definition).filter((k) => !KEYS.has(k))
  if (unknown.length > 0)
    throw new PolicyError('POLICY_INVALID', `definePolicy(): unknown key ${unknown.map((k) => `"${k}"`).join(', ')}; keys are ${[...KEYS].join(', ')}.`)
  for (const key of ['subject', 'env', 'resourceId'] as const) {
    if (definition[key] !== undefined && typeof definition[key] !== 'function') {
      throw new PolicyError('POLICY_INVALID', `definePolicy(): ${key} must be a function, got ${describe(definition[key])}.`)
    }
  }
  const table = compileRoles(definition.roles)
  const rules = compileRules(definition.rules, table)
  const denies = rules.filter((r) => r.effect === 'deny')
  const allows = rules.filter((r) => r.effect === 'allow')
  const readSubject = definition.subject ?? subjectFromAuth
  const readEnv = definition.env
  const readId = definition.resourceId ?? ((resource: unknown) => (resource as { id?: unknown } | null)?.id)

  const policy: Policy = {
    async decide({ subject, action, type, resource, env = {} }) {
      const ctx = { subject, action, type, resource, env }
      for (const rule of denies) {
        if (rule.applies(subject, table, action, type) && (await rule.holds(ctx))) return verdict('deny', 'rule', rule.name)
      }
      const grant = table.grant(subject.roles ?? [], action, type)
      if (grant !== undefined) return verdict('allow', 'role', grant.permission, grant.role)
      for (const rule of allows) {
        if (rule.applies(subject, table, action, type) && (await rule.holds(ctx))) return verdict('allow', 'rule', rule.name)
      }
      return verdict('deny', 'default')
    },
    mayAllow(subject, action, type) {
      return table.grant(subject.roles ?? [], action, type) !== undefined || allows.some((rule) => rule.applies(subject, table, action, type))
    },
    async subjectOf(req) {
      return normalizeSubject(await readSubject(req))
    },
    async envOf(req) {
      const base = { now: new Date(), ip: req.ip }
      return Object.freeze(readEnv === undefined ? base : { ...base, ...(await readEnv(req)) })
    },
    idOf(resource, type) {
      const id = readId(resource, type)
      return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
    },
  }
  Object.freeze(policy)
  policies.add(policy)
  return policy
}

/** True for a policy made by definePolicy (the plugin refuses anything else). */
export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && policies.has(value as Policy)
}

function verdict(decision: Verdict['decision'], reason: Verdict['reason'], rule?: string, role?: string): Verdict {
  return Object.freeze({ decision, reason, rule, role })
}

/** The default subject reader: `req.auth = { subject, claims: { roles } }` as @vectora/jwt sets it. */
function subjectFromAuth(req: VectoraRequest<any>): SubjectInput | undefined {
  const auth = (req as { auth?: unknown }).auth as { subject?: unknown; claims?: { roles?: unknown } } | undefined
  if (typeof auth !== 'object' || auth === null || typeof auth.subject !== 'string') return undefined
  return { id: auth.subject, roles: auth.claims?.roles }
}

/**
 * A subject with a string id and roles that are strings only. Roles that are not an array (a single string,
 * a space-separated scope) count as no roles: a claim's shape is never guessed into a permission.
 */
function normalizeSubject(raw: unknown): Subject | undefined {
  if (raw === undefined || raw === null) return undefined
  const s = raw as { id?: unknown; roles?: unknown }
  if (typeof s !== 'object' || (typeof s.id !== 'string' && typeof s.id !== 'number') || s.id === '') {
    throw new TypeError(`The policy's subject(req) returned ${describe(raw)} without a string id; return { id, roles } or undefined.`)
  }
  const roles = Array.isArray(s.roles) ? s.roles.filter((r): r is string => typeof r === 'string') : []
  return Object.freeze({ ...(raw as object), id: String(s.id), roles: Object.freeze(roles) })
}
