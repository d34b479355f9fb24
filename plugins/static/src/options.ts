/**
 * @module @vectora/static/options — checks the options of `app.register(serveStatic, options)` and resolves them
 * once: the root folder (absolute, existing), the route prefix, index names, extensions, and the Cache-Control
 * each file gets. Every mistake is a StaticConfigError (code STATIC_CONFIG_INVALID) at register().
 */
import { realpathSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { show, StaticConfigError } from './errors.js'
import { closestName } from 'vectora'

/**
 * What happens to a path with a segment that starts with a dot (`/.env`, `/.git/config`, `/a/.hidden/b.txt`):
 * `'ignore'` answers 404 as if it did not exist (the default), `'deny'` answers 403, `'allow'` serves it.
 *
 * @example
 * const dotfiles: DotfilesPolicy = 'allow' // a root that only holds .well-known/ and public files
 */
export type DotfilesPolicy = 'ignore' | 'deny' | 'allow'

/**
 * The Cache-Control of a file, from its path relative to the root (`assets/app.3f2a.js`, `docs/index.html`: `/`
 * separated, no leading slash, the file actually served — an index or an `extensions` match included). Return
 * undefined for the default (from `maxAge` and `immutable`).
 *
 * @example
 * const cacheControl: CacheControlFn = (path) => (path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
 */
export type CacheControlFn = (path: string) => string | undefined

/**
 * The options of `app.register(serveStatic, options)`. Only `root` is required; see the README for defaults.
 *
 * @example
 * const options: StaticOptions = {
 *   root: new URL('./public/', import.meta.url),
 *   prefix: '/assets',
 *   maxAge: 3600,
 * }
 */
export interface StaticOptions {
  /** The folder served: an absolute path or a `file:` URL. It must exist when the plugin is registered. */
  root: string | URL
  /** The URL path the folder is served under. Default `'/'`. */
  prefix?: string
  /** File names served for a folder requested with a trailing slash, tried in order; `false` for none. Default `['index.html']`. */
  index?: string | readonly string[] | false
  /** Paths with a segment starting with a dot. Default `'ignore'` (404). */
  dotfiles?: DotfilesPolicy
  /** Extensions tried, in order, for a path that names no file (`['html']`: `/about` serves `about.html`). Default none. */
  extensions?: readonly string[]
  /** `max-age` of the Cache-Control, in seconds. Default 0 (caches revalidate with the ETag). */
  maxAge?: number
  /** Add `immutable` to the Cache-Control (for fingerprinted file names); needs `maxAge` > 0. Default false. */
  immutable?: boolean
  /** The whole Cache-Control, or a function of the file's path; replaces `maxAge`/`immutable` (a function returning undefined falls back to them). */
  cacheControl?: string | CacheControlFn
  /** Serve `x.br` / `x.gz` next to `x` to clients that accept them (Accept-Encoding). Default true. */
  preCompressed?: boolean
  /** A folder requested without its trailing slash gets a 301 to the slash form; false: a 404. Default true. */
  redirect?: boolean
  /** Send `ETag` and answer `If-None-Match` with 304. Default true. */
  etag?: boolean
  /** Send `Last-Modified` and answer `If-Modified-Since` with 304. Default true. */
  lastModified?: boolean
  /** Answer `Range` requests with 206 (and 416). Default true. */
  ranges?: boolean
  /** Serve files reached through a symlink that points out of the root. Default false (404). */
  allowSymlinksOutsideRoot?: boolean
}

/** The options resolved once at register(). */
export interface ResolvedStatic {
  /** The root as given, absolute and normalized: request paths are joined to it (a `current` symlink is followed per request). */
  readonly root: string
  /** The route prefix without its trailing slash: `''` for `'/'`, `'/assets'` for `'/assets/'`. */
  readonly base: string
  readonly index: readonly string[]
  readonly dotfiles: DotfilesPolicy
  /** With their leading dot: `['.html']`. */
  readonly extensions: readonly string[]
  /** The Cache-Control of the file at `path` (relative to the root, `/`-separated). */
  readonly cacheControl: (path: string) => string
  readonly preCompressed: boolean
  readonly redirect: boolean
  readonly etag: boolean
  readonly lastModified: boolean
  readonly ranges: boolean
  readonly allowSymlinksOutsideRoot: boolean
}

const KNOWN = [
  'root',
  'prefix',
  'index',
  'dotfiles',
  'extensions',
  'maxAge',
  'immutable',
  'cacheControl',
  'preCompressed',
  'redirect',
  'etag',
  'lastModified',
  'ranges',
  'allowSymlinksOutsideRoot',
] as const

/** Names of @fastify/static and serve-static options that are spelt otherwise here (or have no equivalent). */
const RENAMED: Readonly<Record<string, string>> = {
  acceptRanges: 'ranges',
  fallthrough: 'nothing: a missing file is a 404 (routes are exact, so no other route is shadowed)',
  setHeaders: 'an onSend hook',
  serve: 'nothing: register the plugin only where it serves',
  wildcard: 'nothing: the folder is looked up on each request',
  decorateReply: 'reply.file() from vectora',
  list: 'nothing: folders are never listed',
  allowedPath: 'an authorize hook or a guard in the group the plugin is registered in',
  constraints: 'a group',
}

// A segment of a URL path prefix: no params, wildcards, query, fragment, spaces or controls.
const PREFIX = /^(\/[^/:*?#{}\s\x00-\x1f\x7f]+)*\/?$/
const EXTENSION = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/
// A Cache-Control value: visible ASCII, spaces and tabs (what a header value may hold, minus obs-text).
const HEADER_VALUE = /^[\t\x20-\x7e]+$/

/**
 * Checks `options` and resolves them. Reads the file system once (the root must be an existing folder).
 *
 * @example
 * resolveStaticOptions({ root: '/srv/public', prefix: '/assets/' }).base // '/assets'
 */
export function resolveStaticOptions(options: StaticOptions): ResolvedStatic {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StaticConfigError(`options are an object with at least a root folder, got ${show(options)}.`)
  }
  for (const key of Object.keys(options)) {
    if ((KNOWN as readonly string[]).includes(key)) continue
    const renamed = RENAMED[key]
    const near = renamed === undefined ? closest(key) : undefined
    const hint = renamed !== undefined ? ` Use ${renamed}.` : near !== undefined ? ` Did you mean ${near}?` : ''
    throw new StaticConfigError(`unknown option ${JSON.stringify(key)}.${hint} Known options: ${KNOWN.join(', ')}.`)
  }
  const maxAge = options.maxAge === undefined ? 0 : options.maxAge
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) throw new StaticConfigError(`maxAge is a whole number of seconds (0 or more), got ${show(options.maxAge)}.`)
  const immutable = flag(options.immutable, 'immutable', false)
  if (immutable && maxAge === 0) {
    throw new StaticConfigError(
      'immutable needs maxAge > 0: "immutable" tells caches never to revalidate while the file is fresh, and max-age=0 is never fresh.',
    )
  }
  return {
    root: checkRoot(options.root),
    base: checkPrefix(options.prefix),
    index: checkIndex(options.index),
    dotfiles: checkDotfiles(options.dotfiles),
    extensions: checkExtensions(options.extensions),
    cacheControl: checkCacheControl(options.cacheControl, options.maxAge !== undefined || options.immutable !== undefined, maxAge, immutable),
    preCompressed: flag(options.preCompressed, 'preCompressed', true),
    redirect: flag(options.redirect, 'redirect', true),
    etag: flag(options.etag, 'etag', true),
    lastModified: flag(options.lastModified, 'lastModified', true),
    ranges: flag(options.ranges, 'ranges', true),
    allowSymlinksOutsideRoot: flag(options.allowSymlinksOutsideRoot, 'allowSymlinksOutsideRoot', false),
  }
}

function checkRoot(value: unknown): string {
  let root: string
  if (value instanceof URL) {
    if (value.protocol !== 'file:') throw new StaticConfigError(`root is an absolute path or a file: URL, got ${show(value)}.`)
    root = fileURLToPath(value)
  } else if (typeof value === 'string' && value !== '' && !value.includes('\0')) {
    if (!isAbsolute(value)) {
      throw new StaticConfigError(
        `root must be absolute, got ${show(value)} (relative to what? the working directory changes with how the app is started). ` +
          `Write new URL('./${value.replace(/^\.\//, '')}/', import.meta.url) or path.resolve(${JSON.stringify(value)}).`,
      )
    }
    root = value
  } else {
    throw new StaticConfigError(`root is required: the folder to serve, as an absolute path or a file: URL, got ${show(value)}.`)
  }
  root = resolve(root)
  let isFolder = false
  try {
    isFolder = statSync(root).isDirectory()
    realpathSync(root)
  } catch (error) {
    throw new StaticConfigError(
      `root ${JSON.stringify(root)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): create the folder before registering the plugin.`,
    )
  }
  if (!isFolder) throw new StaticConfigError(`root ${JSON.stringify(root)} is a file, not a folder.`)
  return root
}

function checkPrefix(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value !== 'string' || !value.startsWith('/') || value.includes('//') || !PREFIX.test(value)) {
    throw new StaticConfigError(`prefix is a URL path such as "/" or "/assets" (no ":" params, "*", "?", "#", spaces or empty segments), got ${show(value)}.`)
  }
  return value.endsWith('/') ? value.slice(0, -1) : value
}

function checkIndex(value: unknown): readonly string[] {
  if (value === undefined) return ['index.html']
  if (value === false) return []
  const names = typeof value === 'string' ? [value] : value
  if (!Array.isArray(names) || names.some((name) => !isFileName(name))) {
    throw new StaticConfigError(`index is a file name, a list of file names (no "/", "\\" or NUL, not "." or "..") or false, got ${show(value)}.`)
  }
  return Object.freeze([...new Set(names as string[])])
}

function checkDotfiles(value: unknown): DotfilesPolicy {
  if (value === undefined) return 'ignore'
  if (value === 'ignore' || value === 'deny' || value === 'allow') return value
  throw new StaticConfigError(`dotfiles is 'ignore' (404), 'deny' (403) or 'allow', got ${show(value)}.`)
}

function checkExtensions(value: unknown): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((ext) => typeof ext !== 'string' || !EXTENSION.test(ext))) {
    const dotted = Array.isArray(value) && value.some((ext) => typeof ext === 'string' && ext.startsWith('.'))
    throw new StaticConfigError(
      `extensions is a list of extensions without their leading dot (['html', 'htm']), got ${show(value)}.${dotted ? ' Drop the leading dots.' : ''}`,
    )
  }
  return Object.freeze([...new Set(value as string[])].map((ext) => `.${ext}`))
}

function checkCacheControl(value: unknown, tuned: boolean, maxAge: number, immutable: boolean): (path: string) => string {
  const fallback = `public, max-age=${maxAge}${immutable ? ', immutable' : ''}`
  if (value === undefined) return () => fallback
  if (typeof value === 'string') {
    if (tuned) throw new StaticConfigError('cacheControl (a string) replaces maxAge and immutable: give one or the other.')
    if (!HEADER_VALUE.test(value) || value.trim() === '') {
      throw new StaticConfigError(`cacheControl is a Cache-Control header value (visible ASCII, such as "public, max-age=600"), got ${show(value)}.`)
    }
    return () => value
  }
  if (typeof value === 'function') {
    const fn = value as CacheControlFn
    return (path) => {
      const chosen = fn(path)
      if (chosen === undefined) return fallback
      // A programming error, not a client's: it fails the request with a 500 attributed to the plugin.
      if (typeof chosen !== 'string' || !HEADER_VALUE.test(chosen)) {
        throw new TypeError(`@vectora/static: cacheControl(${JSON.stringify(path)}) returned ${show(chosen)}; return a Cache-Control value or undefined.`)
      }
      return chosen
    }
  }
  throw new StaticConfigError(`cacheControl is a Cache-Control value or a function (path) => value | undefined, got ${show(value)}.`)
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new StaticConfigError(`${name} is true or false, got ${show(value)}.`)
  return value
}

function isFileName(name: unknown): boolean {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name)
}

/** The known option nearest to a misspelt one (the core's "did you mean"), or undefined. */
function closest(name: string): string | undefined {
  return closestName(name, KNOWN)
}
