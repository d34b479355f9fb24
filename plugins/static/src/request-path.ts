/**
 * @module @vectora/static/request-path — what a request path may name under the root, decided on the string
 * alone, before any file system call.
 *
 * The input is the route's wildcard (`req.params['*']`), which the core percent-decoded exactly once: `%2e%2e`
 * arrives as `..` (and is refused here), `%252e%252e` as the literal name `%2e%2e` (never decoded again), a
 * malformed escape never arrives (the core answers 400 VEC_ERR_BAD_PATH_PARAM). Only canonical paths name a
 * file: no `..` or `.` segment, no empty segment (`a//b`, or `//etc/passwd` whose first segment is empty), no
 * backslash (a separator on Windows, and `..\` is the classic way around `/`-only checks), no NUL.
 */

/** A path split into segments, or why it names no file. */
export type RequestPath =
  | {
      readonly kind: 'path'
      /** The segments, none empty, `.` or `..`; `[]` for the root itself. */
      readonly segments: readonly string[]
      /** The path ended with `/` (or was empty): a folder is asked for. */
      readonly folder: boolean
      /** Some segment starts with a dot (`.env`, `.git`): the `dotfiles` policy decides. */
      readonly dotted: boolean
    }
  /** A NUL byte: malformed (400). */
  | { readonly kind: 'invalid' }
  /** A path that cannot name a file under the root (404, as a missing file). */
  | { readonly kind: 'outside' }

const INVALID: RequestPath = { kind: 'invalid' }
const OUTSIDE: RequestPath = { kind: 'outside' }
const ROOT: RequestPath = { kind: 'path', segments: [], folder: true, dotted: false }

/**
 * Splits the decoded wildcard `relative` (no leading slash: the route's `/` is before it) into segments, or
 * refuses it.
 *
 * @example
 * parseRequestPath('docs/') // { kind: 'path', segments: ['docs'], folder: true, dotted: false }
 * parseRequestPath('../secret') // { kind: 'outside' }
 * parseRequestPath('a\0.html') // { kind: 'invalid' }
 */
export function parseRequestPath(relative: string): RequestPath {
  if (relative.includes('\0')) return INVALID
  if (relative.includes('\\')) return OUTSIDE
  if (relative === '') return ROOT
  const folder = relative.endsWith('/')
  const body = folder ? relative.slice(0, -1) : relative
  const segments = body.split('/')
  let dotted = false
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return OUTSIDE
    if (segment.charCodeAt(0) === 0x2e) dotted = true
  }
  return { kind: 'path', segments, folder, dotted }
}
