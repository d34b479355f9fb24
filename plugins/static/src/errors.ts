/**
 * @module @vectora/static/errors — the plugin's configuration error and the error replies a request can get: 404
 * (no such file, and every path that cannot name a file under the root), 400 (a NUL byte in the path) and 403 (a
 * dotfile under `dotfiles: 'deny'`).
 */
import { HttpError, httpError } from 'vectora'

/**
 * The error of an invalid configuration, thrown at `app.register(serveStatic, options)`. The host wraps it in a
 * VEC_ERR_PLUGIN_SETUP_FAILED whose `cause` is this error (`VEC_ERR_*` codes are the core's).
 *
 * @example
 * try { app.register(serveStatic, { root: 'public' }) } catch (err) {
 *   (err as Error).cause instanceof StaticConfigError // true: root must be an absolute path or a file: URL
 * }
 */
export class StaticConfigError extends TypeError {
  readonly code = 'STATIC_CONFIG_INVALID' as const

  constructor(message: string) {
    super(`@vectora/static: ${message}`)
    this.name = 'StaticConfigError'
  }
}

/**
 * The 404 of a missing file — and of a folder without an index, a dotfile under `dotfiles: 'ignore'`, a `..`
 * segment, a symlink out of the root: the same code and detail as `reply.file()`'s own 404, so a client cannot
 * tell which (no oracle for what exists outside the root).
 */
export function notFound(): HttpError {
  return httpError('VEC_ERR_NOT_FOUND', 'No such file.')
}

/** The 400 of a path that holds a NUL byte (`%00`): no file name has one, only attacks on C string APIs do. */
export function invalidPath(): HttpError {
  return new HttpError(400, 'The path holds a NUL byte (%00); file names never do.', { code: 'STATIC_PATH_INVALID' })
}

/** The 403 of a dotfile (`.env`, `.git/config`) under `dotfiles: 'deny'`. */
export function dotfileDenied(): HttpError {
  return new HttpError(403, 'Files and folders whose name starts with a dot are not served.', { code: 'STATIC_DOTFILE_DENIED' })
}

/** A value as an error message shows it: strings quoted, objects named by kind, never dumped. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `an array (${value.length} entries)`
  if (value === null) return 'null'
  if (value instanceof URL) return `the URL ${JSON.stringify(value.href)}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}
