/**
 * @module abac — attribute rules: a named rule matches an action on a resource type (optionally only for some
 * roles) when its condition over the subject, the resource and the environment holds. A condition is a
 * function, or data: `{ 'resource.ownerId': { ref: 'subject.id' }, 'resource.status': ['draft', 'review'] }`.
 */
import { PolicyError, checkName, describe } from './errors.js'
import type { RoleTable } from './rbac.js'

/** Who is asking: an id, roles, and any attributes the app's `subject(req)` adds (department, tenant...). */
export interface Subject {
  readonly id: string
  readonly roles?: readonly string[]
  readonly [attribute: string]: unknown
}

/** What a rule's condition sees. `resource` is undefined when the guard loads no resource. */
export interface RuleContext<R = any> {
  readonly subject: Subject
  readonly action: string
  /** The resource type the route declares (`'Note'`). */
  readonly type: string
  readonly resource: R | undefined
  /** `{ now, ip }` plus what the policy's `env(req)` returns. */
  readonly env: Readonly<Record<string, any>>
}

/**
 * A data condition: attribute path (`subject.x`, `resource.x.y`, `env.x`, `action`, `type`) -> expected value.
 * A literal matches by `===`, an array matches any of its literals, `{ ref: 'subject.id' }` matches the value
 * at another path (never when either side is undefined or null). Every entry must match.
 */
export type DataCondition = Readonly<
  Record<string, string | number | boolean | null | readonly (string | number | boolean | null)[] | { readonly ref: string }>
>

/** A function condition returns exactly true to match (false to not match; anything else is an error). */
export type FunctionCondition<R = any> = (ctx: RuleContext<R>) => boolean | Promise<boolean>

/**
 * An attribute rule. `effect: 'deny'` rules are checked first and win over every allow.
 *
 * @example
 * const ownerCanUpdate: Rule<Note> = {
 *   name: 'owner-can-update', action: 'update', resource: 'Note',
 *   when: ({ subject, resource }) => resource?.ownerId === subject.id,
 * }
 */
export interface Rule<R = any> {
  /** Unique; it names the rule in decisions and logs. */
  readonly name: string
  /** Default `'allow'`. */
  readonly effect?: 'allow' | 'deny'
  /** One action, several, or `'*'`. */
  readonly action: string | readonly string[]
  /** One resource type, several, or `'*'`. */
  readonly resource: string | readonly string[]
  /** Only for subjects holding one of these roles (inherited roles count). */
  readonly roles?: readonly string[]
  /** No condition: the rule matches whenever action, resource and roles do. */
  readonly when?: FunctionCondition<R> | DataCondition
}

/** A rule checked and ready to evaluate. */
export interface CompiledRule {
  readonly name: string
  readonly effect: 'allow' | 'deny'
  /** True when action, type and roles fit (no condition evaluated). */
  applies(subject: Subject, roles: RoleTable, action: string, type: string): boolean
  /** Evaluates the condition. */
  holds(ctx: RuleContext): Promise<boolean>
}

const RULE_KEYS = new Set(['name', 'effect', 'action', 'resource', 'roles', 'when'])
const ROOTS = new Set(['subject', 'resource', 'env', 'action', 'type'])
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor'])

/**
 * Checks `rules` (unique names, known keys, valid conditions, roles that exist) and compiles them.
 * Throws PolicyError POLICY_INVALID naming the rule.
 *
 * @example
 * const [rule] = compileRules([{ name: 'published', action: 'read', resource: 'Note', when: { 'resource.status': 'published' } }], table)
 */
export function compileRules(rules: readonly Rule[] | undefined, roleTable: RoleTable): CompiledRule[] {
  if (rules === undefined) return []
  if (!Array.isArray(rules)) throw new PolicyError('POLICY_INVALID', `rules must be an array, got ${describe(rules)}.`)
  const names = new Set<string>()
  return rules.map((rule: Rule, i) => {
    if (typeof rule !== 'object' || rule === null) throw new PolicyError('POLICY_INVALID', `rules[${i}] must be an object, got ${describe(rule)}.`)
    checkName(`rules[${i}].name`, rule.name)
    const label = `Rule "${rule.name}"`
    if (names.has(rule.name)) throw new PolicyError('POLICY_INVALID', `${label} is declared twice; rule names are unique.`)
    names.add(rule.name)
    const unknown = Object.keys(rule).filter((k) => !RULE_KEYS.has(k))
    if (unknown.length > 0)
      throw new PolicyError('POLICY_INVALID', `${label}: unknown key ${unknown.map((k) => `"${k}"`).join(', ')}; a rule has ${[...RULE_KEYS].join(', ')}.`)
    const effect = rule.effect ?? 'allow'
    if (effect !== 'allow' && effect !== 'deny') throw new PolicyError('POLICY_INVALID', `${label}: effect is 'allow' or 'deny', got ${describe(effect)}.`)
    const actions = nameSet(`${label}: action`, rule.action)
    const types = nameSet(`${label}: resource`, rule.resource)
    const roles = rule.roles === undefined ? undefined : [...nameSet(`${label}: roles`, rule.roles, false, false)!]
    for (const role of roles ?? []) {
      if (!roleTable.names.has(role)) throw new PolicyError('POLICY_INVALID', `${label} names role "${role}", which is not declared.`)
    }
    const holds = compileCondition(label, rule.when)
    return {
      name: rule.name,
      effect,
      applies(subject, table, action, type) {
        return (
          (actions === undefined || actions.has(action)) &&
          (types === undefined || types.has(type)) &&
          (roles === undefined || roles.some((role) => table.hasRole(subject.roles ?? [], role)))
        )
      },
      holds,
    }
  })
}

/** undefined = any ('*'). */
function nameSet(what: string, value: unknown, strict = true, star = true): Set<string> | undefined {
  if (star && value === '*') return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new PolicyError('POLICY_INVALID', `${what} must be a name, a non-empty array of names${star ? " or '*'" : ''}, got ${describe(value)}.`)
  }
  for (const v of list) checkName(what, v, strict)
  return new Set(list as string[])
}

function compileCondition(label: string, when: unknown): (ctx: RuleContext) => Promise<boolean> {
  if (when === undefined) return async () => true
  if (typeof when === 'function') {
    return async (ctx) => {
      const result: unknown = await when(ctx)
      if (typeof result !== 'boolean') throw new TypeError(`${label}: its condition returned ${describe(result)}; a condition returns true or false.`)
      return result
    }
  }
  if (typeof when !== 'object' || when === null || Array.isArray(when)) {
    throw new PolicyError('POLICY_INVALID', `${label}: when must be a function or an object of attribute path -> expected value, got ${describe(when)}.`)
  }
  const checks = Object.entries(when as DataCondition).map(([path, expected]) => {
    const at = compilePath(label, path)
    if (isLiteral(expected)) return (ctx: RuleContext) => at(ctx) === expected
    if (Array.isArray(expected) && expected.every(isLiteral)) {
      const options = new Set<unknown>(expected)
      return (ctx: RuleContext) => options.has(at(ctx))
    }
    if (typeof expected === 'object' && expected !== null && Object.keys(expected).length === 1 && typeof (expected as { ref?: unknown }).ref === 'string') {
      const other = compilePath(label, (expected as { ref: string }).ref)
      return (ctx: RuleContext) => {
        const a = at(ctx)
        return a !== undefined && a !== null && a === other(ctx)
      }
    }
    throw new PolicyError(
      'POLICY_INVALID',
      `${label}: "${path}" expects a string, number, boolean, null, an array of those, or { ref: 'path' }; got ${describe(expected)}.`,
    )
  })
  return async (ctx) => checks.every((check) => check(ctx))
}

function isLiteral(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/** A reader for `root.a.b`; it never walks into prototypes' special keys. */
function compilePath(label: string, path: string): (ctx: RuleContext) => unknown {
  const segments = path.split('.')
  const [root, ...rest] = segments
  if (!ROOTS.has(root) || segments.some((s) => s === '' || FORBIDDEN_SEGMENTS.has(s)) || ((root === 'action' || root === 'type') && rest.length > 0)) {
    throw new PolicyError(
      'POLICY_INVALID',
      `${label}: "${path}" is not an attribute path; paths start with subject., resource. or env. (or are action / type).`,
    )
  }
  return (ctx) => {
    let value: unknown = ctx[root as keyof RuleContext]
    for (const key of rest) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined
      value = (value as Record<string, unknown>)[key]
    }
    return value
  }
}
