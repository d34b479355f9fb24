/**
 * @module @vectora/static/content-type — the Content-Type of a file as `reply.file()` gives it, for the
 * precompressed variant of that file: `app.js.br` is sent with the type of `app.js`, not of `.br`.
 *
 * vectora does not export its MIME lookup (mime-types, by extension), and this package depends on nothing else:
 * so the type is asked of `reply.file()` for the original file once per extension, and kept. The lookup depends
 * on the lower-cased extension alone (mime-types' rule), so one answer holds for every file with that extension.
 */
import { extname } from 'node:path'
import { reply } from 'vectora'

/** Extensions remembered at most (a root has few; the map is cleared past this, never grows without bound). */
const MAX_EXTENSIONS = 256

/**
 * Content types by extension, learnt from `reply.file()`.
 *
 * @example
 * const types = new ContentTypes()
 * await types.of('/srv/public/app.js') // 'text/javascript; charset=utf-8'
 */
export class ContentTypes {
  readonly #byExtension = new Map<string, string>()

  /** The Content-Type `reply.file(path)` sends; `path` must exist (it is stat'ed the first time an extension is seen). */
  async of(path: string): Promise<string> {
    const extension = extname(path).toLowerCase()
    let type = this.#byExtension.get(extension)
    if (type === undefined) {
      const probe = await reply.file(path, { etag: false, lastModified: false })
      type = probe.headerList.find(([name]) => name === 'content-type')?.[1] ?? 'application/octet-stream'
      if (this.#byExtension.size >= MAX_EXTENSIONS) this.#byExtension.clear()
      this.#byExtension.set(extension, type)
    }
    return type
  }
}
