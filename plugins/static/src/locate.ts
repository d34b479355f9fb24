/**
 * @module @vectora/static/locate — finds the file a checked request path names under the root: the file itself,
 * a folder's index, an `extensions` match, and its precompressed variants; never anything outside the root.
 *
 * Every candidate is resolved with `realpath` and must stay inside the root's own realpath, so a symlink that
 * points out of the root is a 404 (unless `allowSymlinksOutsideRoot`). The root's realpath is kept, and looked up
 * again only when a candidate seems outside it: a deploy that flips a `current -> releases/42` symlink in the root's
 * path is followed, at no cost per request.
 *
 * What is checked here is what the kernel then opens, by the path built from the root, a moment later (after
 * `reply.file()` stats it again). A file removed in between is the kernel's 404. A symlink swapped in between by
 * someone who can write into the root is not caught: the plugin guards against what clients send, not against
 * writers of the served folder.
 */
import { promises as fs, realpathSync } from 'node:fs'
import { join, sep } from 'node:path'
import { type Encoding, VARIANTS } from './accept-encoding.js'
import type { ResolvedStatic } from './options.js'

/** A file to serve. */
export interface FoundFile {
  readonly kind: 'file'
  /** The path to hand to `reply.file()`: built from the root and the request, so its name is the one asked for. */
  readonly path: string
  /** The path relative to the root, `/`-separated (for `cacheControl`): `docs/index.html`, `about.html`. */
  readonly relative: string
}

/** What a request path leads to: a file, a folder asked for without its trailing slash, or nothing servable. */
export type Located = FoundFile | { readonly kind: 'folder' } | undefined

/** A precompressed variant next to a file. */
export interface Variant {
  readonly encoding: Encoding
  readonly path: string
}

const FOLDER = Object.freeze({ kind: 'folder' as const })

/**
 * The file system side of one registration: the root's realpath, kept between requests.
 *
 * @example
 * const locator = new Locator(config)
 * await locator.locate(['docs'], true) // { kind: 'file', path: '/srv/public/docs/index.html', relative: 'docs/index.html' }
 */
export class Locator {
  readonly #config: ResolvedStatic
  /** The root's realpath, with a trailing separator (what an inside path starts with). */
  #realRoot: string

  constructor(config: ResolvedStatic) {
    this.#config = config
    this.#realRoot = withSep(realpathSync(config.root))
  }

  /** The file `segments` name (`folder`: the path ended with `/`), its index, or an `extensions` match. */
  async locate(segments: readonly string[], folder: boolean): Promise<Located> {
    const { root, index, extensions } = this.#config
    const path = segments.length === 0 ? root : join(root, ...segments)
    // Belt and braces: parseRequestPath already refused every segment that could climb out.
    if (path !== root && !path.startsWith(withSep(root))) return undefined
    const relative = segments.join('/')
    const kind = await this.#kindOf(path)
    if (kind === 'file') return folder ? undefined : { kind: 'file', path, relative }
    if (kind === 'folder') {
      if (!folder) return FOLDER
      for (const name of index) {
        const candidate = join(path, name)
        if ((await this.#kindOf(candidate)) === 'file') return { kind: 'file', path: candidate, relative: relative === '' ? name : `${relative}/${name}` }
      }
      return undefined
    }
    if (folder || segments.length === 0) return undefined
    for (const extension of extensions) {
      const candidate = path + extension
      if ((await this.#kindOf(candidate)) === 'file') return { kind: 'file', path: candidate, relative: relative + extension }
    }
    return undefined
  }

  /** The precompressed variants of `file` that exist (regular files inside the root), in `VARIANTS` order. */
  async variants(file: FoundFile): Promise<Variant[]> {
    const kinds = await Promise.all(VARIANTS.map(({ suffix }) => this.#kindOf(file.path + suffix)))
    const found: Variant[] = []
    for (let i = 0; i < VARIANTS.length; i++) if (kinds[i] === 'file') found.push({ encoding: VARIANTS[i]!.encoding, path: file.path + VARIANTS[i]!.suffix })
    return found
  }

  /** Whether `path` is a file or a folder inside the root (symlinks resolved); undefined for anything else. */
  async #kindOf(path: string): Promise<'file' | 'folder' | undefined> {
    let real: string
    let stat: import('node:fs').Stats
    try {
      real = await fs.realpath(path)
      stat = await fs.stat(real)
    } catch {
      // ENOENT, ENOTDIR (a file used as a folder), ELOOP, EACCES, ENAMETOOLONG: nothing servable.
      return undefined
    }
    if (!this.#config.allowSymlinksOutsideRoot && !(await this.#isInside(real))) return undefined
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : undefined
  }

  async #isInside(real: string): Promise<boolean> {
    if (withSep(real).startsWith(this.#realRoot)) return true
    // The root's own path may have moved (a `current` symlink flipped by a deploy): look it up once more.
    let now: string
    try {
      now = withSep(await fs.realpath(this.#config.root))
    } catch {
      return false
    }
    if (now === this.#realRoot) return false
    this.#realRoot = now
    return withSep(real).startsWith(now)
  }
}

function withSep(path: string): string {
  return path.endsWith(sep) ? path : path + sep
}
