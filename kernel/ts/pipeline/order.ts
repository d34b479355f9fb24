/** @module pipeline/order — the deterministic order of hooks within a phase: before/after, then stage, then registration. */
import { VectoraError } from '../base/catalogue.js'

/** What ordering needs to know of a hook. */
export interface Orderable {
  /** The plugin that registered it (`app` for the application's own hooks). */
  readonly owner: string
  /** Plugins whose hooks in the same phase this one must run before / after. */
  readonly before: readonly string[]
  readonly after: readonly string[]
  /** Lower runs earlier when no constraint decides. */
  readonly stage: number
  /** Registration order across the app: the last tie-breaker. */
  readonly seq: number
}

/**
 * Sorts one phase's hooks. Constraints name plugins (owners): `before: ['@vectora/jwt']` puts the hook ahead
 * of every hook jwt has in this phase. Among hooks no constraint orders, lower `stage` first, then earlier
 * registration. A constraint naming a plugin the app does not know, or constraints that form a cycle, are
 * boot errors naming them. This never depends on registration order the way tapable's own `before` does.
 *
 * @example
 * orderHooks('onRequest', hooks, new Set(['app', '@vectora/cors']))
 */
export function orderHooks<H extends Orderable>(phase: string, hooks: readonly H[], knownOwners: ReadonlySet<string>): H[] {
  for (const hook of hooks) {
    for (const name of [...hook.before, ...hook.after]) {
      if (!knownOwners.has(name)) {
        throw new VectoraError(
          'VEC_ERR_HOOK_ORDER_UNKNOWN',
          `A ${phase} hook of ${hook.owner} is ordered relative to "${name}", which is not a registered plugin. ` +
            `Register ${name} first, or fix the name (known: ${[...knownOwners].join(', ')}).`,
        )
      }
    }
  }
  // Edges a -> b mean "a runs before b".
  const next = new Map<H, Set<H>>(hooks.map((h) => [h, new Set<H>()]))
  const incoming = new Map<H, number>(hooks.map((h) => [h, 0]))
  const link = (a: H, b: H): void => {
    if (a === b || next.get(a)!.has(b)) return
    next.get(a)!.add(b)
    incoming.set(b, incoming.get(b)! + 1)
  }
  for (const hook of hooks) {
    for (const other of hooks) {
      if (hook.before.includes(other.owner)) link(hook, other)
      if (hook.after.includes(other.owner)) link(other, hook)
    }
  }
  const byPriority = (a: H, b: H): number => a.stage - b.stage || a.seq - b.seq
  const ready = hooks.filter((h) => incoming.get(h) === 0).sort(byPriority)
  const out: H[] = []
  while (ready.length > 0) {
    const hook = ready.shift()!
    out.push(hook)
    for (const b of next.get(hook)!) {
      const left = incoming.get(b)! - 1
      incoming.set(b, left)
      if (left === 0) {
        ready.push(b)
        ready.sort(byPriority)
      }
    }
  }
  if (out.length < hooks.length) {
    const stuck = hooks.filter((h) => !out.includes(h))
    throw new VectoraError(
      'VEC_ERR_HOOK_ORDER_CYCLE',
      `The ${phase} hooks of ${[...new Set(stuck.map((h) => h.owner))].join(', ')} order each other in a cycle ` +
        `(${describeCycle(stuck, next)}). Remove one of these before/after constraints.`,
    )
  }
  return out
}

function describeCycle<H extends Orderable>(stuck: readonly H[], next: Map<H, Set<H>>): string {
  // Walk successors inside the stuck set until a hook repeats: that loop is the cycle.
  const path: H[] = []
  let current: H | undefined = stuck[0]
  while (current !== undefined && !path.includes(current)) {
    path.push(current)
    current = [...next.get(current)!].find((h) => stuck.includes(h))
  }
  const loop = current === undefined ? path : [...path.slice(path.indexOf(current)), current]
  return loop.map((h) => h.owner).join(' -> ')
}
