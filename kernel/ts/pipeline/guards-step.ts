/** @module pipeline/guards-step — the route step that adds a route's guards to its authorize phase at ready. */
import { checkGuardRequirements, guardHook } from './guards.js'
import type { RouteStep } from './steps.js'

/**
 * The guards step the host runs on every route at ready: checks what the guards require (a plugin in the
 * route's scope chain) and appends the guards hook last in the authorize phase, after plugin hooks.
 *
 * @example
 * new PluginHost({ ..., routeSteps: [guardsStep, contractStep(development)] })
 */
export const guardsStep: RouteStep = (ctx) => {
  if (ctx.guards.length === 0) return
  // At ready, not per request: a guard whose plugin is not in this route's scope chain fails the boot.
  checkGuardRequirements(ctx.where, ctx.guards, ctx.hasPlugin)
  ctx.hooks.get('authorize')!.push(guardHook(ctx.guards, Number.MAX_SAFE_INTEGER))
}
