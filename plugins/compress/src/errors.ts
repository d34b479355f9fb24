/**
 * @module @vectora/compress/errors — the plugin's one error class and its stable codes. Every code is thrown at
 * `app.register(compress, options)`: at request time the plugin never fails a reply of its own accord.
 */

/**
 * Every code a CompressError carries.
 *
 * @example
 * const code: CompressErrorCode = 'COMPRESS_OPTION_INVALID'
 */
export type CompressErrorCode =
  /** An option the plugin does not have (a typo, or a name from another compression middleware: the message gives ours). */
  | 'COMPRESS_OPTION_UNKNOWN'
  /** The options are not an object, or an option's value is not one it takes (a level out of range, a negative threshold, ...). */
  | 'COMPRESS_OPTION_INVALID'
  /** `encodings` lists one this Node.js cannot produce: `zstd` before Node 22.15 / 23.8. */
  | 'COMPRESS_ENCODING_UNAVAILABLE'

/**
 * The plugin's error. At `app.register(compress, options)` the host wraps it in a VEC_ERR_PLUGIN_SETUP_FAILED whose
 * `cause` it is.
 *
 * @example
 * try { app.register(compress, { treshold: 512 } as never) } catch (err) {
 *   const cause = (err as Error).cause as CompressError
 *   cause.code // 'COMPRESS_OPTION_UNKNOWN': the message says to write threshold
 * }
 */
export class CompressError extends TypeError {
  readonly code: CompressErrorCode

  constructor(code: CompressErrorCode, message: string) {
    super(`@vectora/compress: ${message}`)
    this.name = 'CompressError'
    this.code = code
  }
}

/** A value as an error message shows it: strings quoted, objects named by kind, never dumped. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `an array (${value.length} entries)`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}
