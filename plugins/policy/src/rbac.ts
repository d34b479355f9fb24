/**
 * @module rbac — roles as data: each role grants `action:Resource` permissions and may inherit other roles.
 * The role graph is checked and flattened once, when the policy is defined: an unknown parent, a malformed
 * permission or an inheritance cycle throws there, never on a request.
 */
import { PolicyError, checkName, describe } from './errors.js'

/**
 * A role: a list of permissions, or `{ inherits, can }`. A permission is `action:Resource`; either side may
 * be `*` (`read:*`, `*:Note`), and `*` alone grants everything.
 *
 * @example
 * const roles = { reader: ['read:Note'], editor: { inherits: ['reader'], can: ['update:Note'] } }
 */
export type RoleDefinition = readonly string[] | { readonly inherits?: readonly string[]; readonly can?: readonly string[] }

/** Role name -> definition. */
export type Roles = Readonly<Record<string, RoleDefinition>>

/** Which permission of which role granted an action. */
export interface Grant {
  /** The permission as declared, e.g. `update:Note` or `read:*`. */
  readonly permission: string
  /** The role that declares it (an inherited role, when the grant came through inheritance). */
  readonly role: string
}

/** The compiled role graph. */
export interface RoleTable {
  /** The first grant (in the subject's role order, own permissions before inherited ones) for `action` on `type`. */
  grant(roles: readonly string[], action: string, type: string): Grant | undefined
  /** True when one of `roles` is `role` or inherits it (directly or not). */
  hasRole(roles: readonly string[], role: string): boolean
  /** Every declared role name. */
  readonly names: ReadonlySet<string>
}

interface Node {
  readonly inherits: readonly string[]
  readonly can: readonly string[]
}

/**
 * Checks and flattens `roles`. Throws a PolicyError: POLICY_ROLE_CYCLE with the cycle (`a -> b -> a`),
 * POLICY_INVALID for an unknown parent role or a malformed permission.
 *
 * @example
 * const table = compileRoles({ reader: ['read:Note'], editor: { inherits: ['reader'] } })
 * table.grant(['editor'], 'read', 'Note') // { permission: 'read:Note', role: 'reader' }
 */
export function compileRoles(roles: Roles | undefined): RoleTable {
  if (roles === undefined) roles = {}
  if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) {
    throw new PolicyError('POLICY_INVALID', `roles must be an object of role name -> permissions, got ${describe(roles)}.`)
  }
  const nodes = new Map<string, Node>()
  for (const [name, definition] of Object.entries(roles)) {
    checkName(`role name`, name)
    nodes.set(name, normalize(name, definition))
  }
  for (const [name, node] of nodes) {
    for (const parent of node.inherits) {
      if (!nodes.has(parent))
        throw new PolicyError(
          'POLICY_INVALID',
          `Role "${name}" inherits "${parent}", which is not declared. Declared roles: ${[...nodes.keys()].join(', ') || '(none)'}.`,
        )
    }
  }
  rejectCycles(nodes)

  // Flatten: each role's grants in lookup order (own first, then each parent's, depth-first), first wins.
  const flat = new Map<string, Map<string, string>>()
  const ancestors = new Map<string, Set<string>>()
  const visit = (name: string): void => {
    if (flat.has(name)) return
    const node = nodes.get(name)!
    const grants = new Map<string, string>()
    const lineage = new Set<string>([name])
    for (const permission of node.can) if (!grants.has(permission)) grants.set(permission, name)
    for (const parent of node.inherits) {
      visit(parent)
      for (const [permission, role] of flat.get(parent)!) if (!grants.has(permission)) grants.set(permission, role)
      for (const role of ancestors.get(parent)!) lineage.add(role)
    }
    flat.set(name, grants)
    ancestors.set(name, lineage)
  }
  for (const name of nodes.keys()) visit(name)

  return {
    names: new Set(nodes.keys()),
    grant(subjectRoles, action, type) {
      const wanted = [`${action}:${type}`, `${action}:*`, `*:${type}`, '*:*', '*']
      for (const role of subjectRoles) {
        const grants = flat.get(role)
        if (grants === undefined) continue
        for (const permission of wanted) {
          const owner = grants.get(permission)
          if (owner !== undefined) return { permission, role: owner }
        }
      }
      return undefined
    },
    hasRole(subjectRoles, role) {
      return subjectRoles.some((r) => ancestors.get(r)?.has(role) === true)
    },
  }
}

function normalize(name: string, definition: unknown): Node {
  const list = (what: string, value: unknown): string[] => {
    if (value === undefined) return []
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new PolicyError('POLICY_INVALID', `Role "${name}": ${what} must be an array of strings, got ${describe(value)}.`)
    }
    return [...value]
  }
  let node: Node
  if (Array.isArray(definition)) node = { inherits: [], can: list('permissions', definition) }
  else if (typeof definition === 'object' && definition !== null) {
    const unknown = Object.keys(definition).filter((k) => k !== 'inherits' && k !== 'can')
    if (unknown.length > 0)
      throw new PolicyError('POLICY_INVALID', `Role "${name}": unknown key ${unknown.map((k) => `"${k}"`).join(', ')}; a role is { inherits?, can? }.`)
    const d = definition as { inherits?: unknown; can?: unknown }
    node = { inherits: list('inherits', d.inherits), can: list('can', d.can) }
  } else {
    throw new PolicyError('POLICY_INVALID', `Role "${name}" must be an array of permissions or { inherits?, can? }, got ${describe(definition)}.`)
  }
  for (const permission of node.can) checkPermission(name, permission)
  return node
}

/** `action:Resource` with non-empty sides, or `*`. */
function checkPermission(role: string, permission: string): void {
  if (permission === '*') return
  const parts = permission.split(':')
  if (parts.length !== 2 || parts.some((p) => p === '' || /\s/.test(p))) {
    throw new PolicyError('POLICY_INVALID', `Role "${role}": permission ${describe(permission)} is not "action:Resource" (either side may be "*").`)
  }
}

/** Depth-first search with colours; the first back edge found is reported as a path. */
function rejectCycles(nodes: ReadonlyMap<string, Node>): void {
  const state = new Map<string, 'visiting' | 'done'>()
  const path: string[] = []
  const visit = (name: string): void => {
    state.set(name, 'visiting')
    path.push(name)
    for (const parent of nodes.get(name)!.inherits) {
      const s = state.get(parent)
      if (s === 'visiting') {
        const cycle = [...path.slice(path.indexOf(parent)), parent]
        throw new PolicyError('POLICY_ROLE_CYCLE', `Roles inherit each other in a cycle: ${cycle.join(' -> ')}. Remove one of these inherits.`)
      }
      if (s === undefined) visit(parent)
    }
    path.pop()
    state.set(name, 'done')
  }
  for (const name of nodes.keys()) if (!state.has(name)) visit(name)
}
