/**
 * @module @vectora/form/types — what a form read gives back: its fields, the files saved for it, and the file
 * parts an `onFile` handler receives.
 */
import type { Readable } from 'node:stream'

/**
 * The fields of a form, by name, in a null-prototype object: a string, or the strings in the order sent when
 * the name came more than once (checkboxes, multi-selects).
 *
 * @example
 * const fields: FormFields = { name: 'Ada', tags: ['a', 'b'] }
 */
export type FormFields = Record<string, string | string[]>

/**
 * A file of a multipart form, saved in the request's upload folder. The file is removed when the request ends
 * (after the last byte of the reply went out, or when the request was cut): move or copy it to keep it.
 *
 * @example
 * const { files } = await readForm(req)
 * await fs.promises.copyFile(files[0].path, `/srv/avatars/${user.id}`)
 */
export interface FormFile {
  /** The form field name the file came in. */
  readonly field: string
  /** The file name the client gave, without any folder part (`''` when it gave none). Never trust it as a path. */
  readonly filename: string
  /** The part's Content-Type as the client declared it (`text/plain` when it declared none): not checked. */
  readonly mimeType: string
  /** The part's Content-Transfer-Encoding (`7bit` unless the client said otherwise); the bytes are saved as sent. */
  readonly encoding: string
  /** Where the bytes are: a file in a folder of its own under `tmpDir`, named by the plugin (never by the client). */
  readonly path: string
  /** Its size in bytes. */
  readonly size: number
}

/**
 * A file part as it arrives, handed to `onFile` instead of being saved: read `stream` to its end (or destroy it)
 * and resolve when the bytes are where they belong. Past `fileSize` the stream fails with the 413.
 *
 * @example
 * const onFile = (part: FormFilePart) => pipeline(part.stream, bucket.upload(part.filename))
 */
export interface FormFilePart {
  readonly field: string
  readonly filename: string
  readonly mimeType: string
  readonly encoding: string
  /** The bytes of the part, as the client sends them (backpressure: the client is read as fast as this is). */
  readonly stream: Readable
}

/**
 * The result of `readForm`: the fields (validated and typed when a schema was given), and the saved files in the
 * order they came (none with `onFile`, which receives them instead).
 *
 * @example
 * const { fields, files } = await readForm(req)
 */
export interface Form<F = FormFields> {
  readonly fields: F
  readonly files: readonly FormFile[]
}
