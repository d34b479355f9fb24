/**
 * @module @vectora/policy — authorization for Vectora: roles with inheritance (RBAC), attribute rules (ABAC)
 * and a `can()` guard for routes, groups and controllers. Exports and type augmentation only.
 *
 * @example
 * import { can, definePolicy, policyPlugin, resourceOf } from '@vectora/policy'
 * const policy = definePolicy({ roles: { reader: ['read:Note'] } })
 * app.register(policyPlugin, { policy })
 * app.get('/notes', { guards: [can('read', 'Note')] }, () => notes)
 */
import type { RequestPolicy } from './policy.js'

export { policyPlugin, can, resourceOf } from './policy.js'
export type { PolicyDecision, PolicyOptions, RequestPolicy, ResourceLoader } from './policy.js'
export { definePolicy } from './define.js'
export type { DecideInput, Policy, PolicyDefinition, SubjectInput, SubjectReader, Verdict } from './define.js'
export type { DataCondition, FunctionCondition, Rule, RuleContext, Subject } from './abac.js'
export type { Grant, RoleDefinition, Roles } from './rbac.js'
export { PolicyError } from './errors.js'
export type { PolicyErrorCode } from './errors.js'

declare module 'vectora' {
  interface RequestDecorations {
    /** Set by @vectora/policy: the request's subject and imperative checks (`await req.policy.can(...)`). */
    policy?: RequestPolicy
  }
}
