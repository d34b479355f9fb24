/**
 * @module @vectora/form/options — the limits and settings of a form read: their defaults, and the checks that
 * turn a mistake in `app.register(form, options)` or `readForm(req, options)` into a FormConfigError
 * (code FORM_CONFIG_INVALID) that names the option.
 */
import { isAbsolute } from 'node:path'

/**
 * Limits on what one form may hold. Each is checked while the body is read, so a form past one is refused
 * as soon as it is seen, before the rest is read: with a 413 and the code in the table of the README.
 *
 * @example
 * const limits: FormLimits = { fileSize: 20 * 1024 * 1024, files: 1, fields: 20 }
 */
export interface FormLimits {
  /** Largest field value, in bytes (after urlencoded decoding). Default 1 MiB. Past it: 413 FORM_FIELD_TOO_LARGE. */
  fieldSize?: number
  /** Most non-file fields. Default 1000. Past it: 413 FORM_TOO_MANY_FIELDS. */
  fields?: number
  /** Largest file, in bytes (multipart). Default 10 MiB. Past it: 413 FORM_FILE_TOO_LARGE. */
  fileSize?: number
  /** Most files (multipart). Default 10. Past it: 413 FORM_TOO_MANY_FILES. */
  files?: number
  /** Most parts, fields and files together (multipart). Default 1010. Past it: 413 FORM_TOO_MANY_PARTS. */
  parts?: number
}

/**
 * The options of `app.register(form, options)`: the defaults of every `readForm` on the routes of the scope.
 *
 * @example
 * app.register(form, { fileSize: 50 * 1024 * 1024, tmpDir: '/var/tmp' })
 */
export interface FormOptions extends FormLimits {
  /**
   * The folder under which each request's upload folder is created (`fs.mkdtemp`). An absolute path.
   * Default `os.tmpdir()`, read when the folder is created.
   */
  tmpDir?: string
}

/** The limits resolved: every one a number. */
export interface ResolvedLimits {
  readonly fieldSize: number
  readonly fields: number
  readonly fileSize: number
  readonly files: number
  readonly parts: number
}

/** The options resolved once at register(): what a `readForm` without options uses. */
export interface ResolvedFormOptions {
  readonly limits: ResolvedLimits
  /** undefined = `os.tmpdir()` when a folder is made. */
  readonly tmpDir: string | undefined
}

const MIB = 1024 * 1024

/** The defaults of every limit. */
export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  fieldSize: MIB,
  fields: 1000,
  fileSize: 10 * MIB,
  files: 10,
  parts: 1010,
})

/** The options of a `readForm` without the plugin, or of the plugin without options. */
export const DEFAULT_OPTIONS: ResolvedFormOptions = Object.freeze({ limits: DEFAULT_LIMITS, tmpDir: undefined })

const LIMIT_NAMES = ['fieldSize', 'fields', 'fileSize', 'files', 'parts'] as const

/**
 * The error of an invalid option, thrown by `app.register(form, options)` (wrapped by the host in a
 * VEC_ERR_PLUGIN_SETUP_FAILED whose `cause` it is) or by `readForm(req, options)` (a 500: it is the code's
 * mistake, not the client's).
 *
 * @example
 * try { app.register(form, { fileSize: -1 }) } catch (err) {
 *   (err as Error).cause instanceof FormConfigError // true; .code === 'FORM_CONFIG_INVALID'
 * }
 */
export class FormConfigError extends Error {
  readonly code = 'FORM_CONFIG_INVALID' as const

  constructor(message: string) {
    super(`@vectora/form: ${message}`)
    this.name = 'FormConfigError'
  }
}

/**
 * Checks the plugin's options and resolves them over the defaults. `known` lists the keys the caller accepts
 * besides the limits and `tmpDir` (readForm adds `schema` and `onFile`, which it checks itself).
 *
 * @example
 * resolveFormOptions({ files: 1 }) // { limits: { ...DEFAULT_LIMITS, files: 1 }, tmpDir: undefined }
 * resolveFormOptions({ fileSize: '1mb' } as never) // throws FORM_CONFIG_INVALID
 */
export function resolveFormOptions(
  options: FormOptions | undefined,
  base: ResolvedFormOptions = DEFAULT_OPTIONS,
  known: readonly string[] = [],
): ResolvedFormOptions {
  if (options === undefined) return base
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new FormConfigError(`options must be an object, got ${show(options)}.`)
  }
  const accepted = [...LIMIT_NAMES, 'tmpDir', ...known]
  for (const key of Object.keys(options)) {
    if (!accepted.includes(key)) throw new FormConfigError(`unknown option "${key}" (known: ${accepted.join(', ')}).`)
  }
  let limits = base.limits
  for (const name of LIMIT_NAMES) {
    const value = options[name]
    if (value === undefined) continue
    // Infinity is allowed: the route's bodyLimit still bounds the whole body.
    if (typeof value !== 'number' || !(Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY) || value < 1) {
      throw new FormConfigError(`${name} is a whole number >= 1 (or Infinity), got ${show(value)}.`)
    }
    if (limits === base.limits) limits = { ...base.limits }
    ;(limits as { -readonly [K in keyof ResolvedLimits]: number })[name] = value
  }
  let tmpDir = base.tmpDir
  if (options.tmpDir !== undefined) {
    if (typeof options.tmpDir !== 'string' || !isAbsolute(options.tmpDir)) {
      throw new FormConfigError(`tmpDir is an absolute folder path, got ${show(options.tmpDir)}.`)
    }
    tmpDir = options.tmpDir
  }
  return limits === base.limits && tmpDir === base.tmpDir ? base : { limits: Object.freeze(limits), tmpDir }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value)
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}
