/**
 * @module @vectora/form/upload-folder — the folder a request's uploaded files are saved in: made on the first
 * file (`fs.mkdtemp` under `tmpDir`), its files named by number, removed whole when the request ends.
 *
 * The end can come while a file is still being written (the client went away, the deadline passed): a folder
 * that has ended refuses new files, and whoever finishes last removes it again, so nothing is left on disk
 * whatever the order of the end and the writes.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PREFIX = 'vectora-form-'

/**
 * The upload folder of one request.
 *
 * @example
 * const folder = new UploadFolder(undefined)
 * const path = await folder.newFilePath() // /tmp/vectora-form-Xa3b9Q/0
 * await folder.remove()
 */
export class UploadFolder {
  readonly #parent: string | undefined
  #dir: Promise<string> | undefined
  #ended = false
  #next = 0

  /** `parent` is the folder to make it in; undefined = `os.tmpdir()` at the first file. */
  constructor(parent: string | undefined) {
    this.#parent = parent
  }

  /** True once `remove()` was called: no file may be added any more. */
  get ended(): boolean {
    return this.#ended
  }

  /** The path of the next file, in the folder (made now if this is the first). Rejects once the folder ended. */
  async newFilePath(): Promise<string> {
    if (this.#ended) throw ended()
    this.#dir ??= mkdtemp(join(this.#parent ?? tmpdir(), PREFIX))
    const dir = await this.#dir
    // remove() may have run while mkdtemp did: it removes the folder once made, and no file goes in it.
    if (this.#ended) throw ended()
    return join(dir, String(this.#next++))
  }

  /** Removes the folder and every file in it (nothing when none was made). Ends the folder; may be called again. */
  async remove(): Promise<void> {
    this.#ended = true
    const made = this.#dir
    if (made === undefined) return
    const dir = await made.catch(() => undefined)
    if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 })
  }
}

function ended(): Error {
  return new DOMException('The request ended before its form was read.', 'AbortError')
}
