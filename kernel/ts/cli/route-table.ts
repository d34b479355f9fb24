/**
 * @module cli/route-table — prints route views as `vectora routes` shows them: each route, then its pipeline
 * in run order, phase by phase, with the handler in its place.
 */
import { REQUEST_PHASES, type PlanEntry } from '../pipeline/compile.js'
import type { RouteView } from './route-view.js'

/** Where the handler runs among the phases: after the request phases, before onSend. */
const BEFORE_HANDLER: ReadonlySet<string> = new Set(REQUEST_PHASES)

/**
 * The text table of `vectora routes`.
 *
 * @example
 * process.stdout.write(formatRouteTable(describeRoutes(app), 'src/main.ts'))
 * // GET /users/:id  (app)
 * //   contract   params
 * //   onRequest  @vectora/cors  preflight  stage -1000
 * //   handler
 * //   onSend     @vectora/cors  onSendHeaders  stage 1000
 */
export function formatRouteTable(routes: readonly RouteView[], source: string): string {
  const out = [`${routes.length} ${routes.length === 1 ? 'route' : 'routes'} of ${source}`, '']
  for (const route of routes) {
    out.push(`${route.method} ${route.path}  (${route.owner})`)
    out.push(...describe(route).map((line) => `  ${line}`), '')
  }
  return out.join('\n')
}

function describe(route: RouteView): string[] {
  if (route.probe !== undefined) return [`${route.probe} probe: answered by the kernel, no hook runs (docs/lifecycle.md)`]
  const lines: string[] = []
  if (route.contract.length > 0) lines.push(row('contract', route.contract.join(', ')))
  if (route.guards.length > 0) {
    const guards = route.guards.map((guard) => (guard.requires.length > 0 ? `${guard.name} (needs ${guard.requires.join(', ')})` : guard.name))
    lines.push(row('guards', guards.join(', ')))
  }
  if (route.hooks.length === 0) return [...lines, 'no hooks: the handler is called straight from the kernel (fast path)']
  const before = route.hooks.filter((hook) => BEFORE_HANDLER.has(hook.phase))
  const after = route.hooks.filter((hook) => !BEFORE_HANDLER.has(hook.phase))
  const plugin = Math.max(...route.hooks.map((hook) => hook.plugin.length))
  const name = Math.max(...route.hooks.map((hook) => hook.name.length))
  const hook = (entry: PlanEntry): string =>
    row(entry.phase, `${entry.plugin.padEnd(plugin)}  ${entry.stage === 0 ? entry.name : `${entry.name.padEnd(name)}  stage ${entry.stage}`}`.trimEnd())
  return [...lines, ...before.map(hook), row('handler', ''), ...after.map(hook)]
}

function row(label: string, text: string): string {
  return `${label.padEnd(13)}${text}`.trimEnd()
}
