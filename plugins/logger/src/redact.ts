/** @module redact — replaces sensitive fields by `[REDACTED]` without touching the caller's objects. */

/** What a redacted value is replaced by. */
export const REDACTED = '[REDACTED]'

/** Compiled redaction rules: names redacted at any depth, and dotted paths from the root. */
export interface Redaction {
  names: ReadonlySet<string>
  paths: ReadonlyArray<readonly string[]>
}

/** Compiles `paths`: a bare name (`cookie`) matches a key at any depth (case-insensitive), a dotted path (`body.password`) from the root. */
export function compileRedaction(paths: readonly string[]): Redaction {
  const names = new Set<string>()
  const dotted: string[][] = []
  for (const path of paths) {
    if (path.includes('.')) dotted.push(path.split('.'))
    else names.add(path.toLowerCase())
  }
  return { names, paths: dotted }
}

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error) && !Buffer.isBuffer(value)

/** Copies of `value` (and of every nested plain object or array) with the names redacted; other values shared. */
function redactNames(value: unknown, names: ReadonlySet<string>, depth: number): unknown {
  if (depth > 8) return value
  if (Array.isArray(value)) return value.map((item) => redactNames(item, names, depth + 1))
  if (!isPlain(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = names.has(key.toLowerCase()) ? REDACTED : redactNames(item, names, depth + 1)
  return out
}

/** Redacts `path` in `target` (already a copy at the top), copying each object on the way down. */
function redactPath(target: Record<string, unknown>, path: readonly string[]): void {
  let node = target
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]]
    if (!isPlain(next)) return
    const copy = { ...next }
    node[path[i]] = copy
    node = copy
  }
  const last = path[path.length - 1]
  if (Object.hasOwn(node, last)) node[last] = REDACTED
}

/**
 * Redacts the top-level values of `info` in place (winston hands every format a fresh top-level object, so
 * only nested objects are copied): names at any depth, then the dotted paths.
 */
export function redactInfo(info: Record<string, unknown>, rules: Redaction): void {
  for (const key of Object.keys(info)) {
    info[key] = rules.names.has(key.toLowerCase()) ? REDACTED : redactNames(info[key], rules.names, 0)
  }
  for (const path of rules.paths) redactPath(info, path)
}
