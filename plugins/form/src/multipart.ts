/**
 * @module @vectora/form/multipart — `multipart/form-data` bodies, streamed through busboy from `req.stream()`:
 * fields gathered, each file written to the request's upload folder or handed to an `onFile` handler as it
 * arrives, the limits checked while the bytes come.
 *
 * Nothing waits for the whole body: on a `body: 'stream'` route the kernel hands each chunk over when busboy
 * asks for it, busboy waits while a file's consumer (the disk, the handler's stream) is busy, so an upload
 * of any size holds about one chunk per stage in memory. The first problem (a limit, a malformed body, a
 * failing write or handler) stops the read at once: busboy is destroyed, which destroys the part being read
 * and the body stream, and the error is what `readForm` rejects with.
 */
import { createWriteStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import { isHttpError, type VectoraRequest } from 'vectora'
import { formError } from './errors.js'
import type { ResolvedLimits } from './options.js'
import type { FormFields, FormFile, FormFilePart } from './types.js'
import type { UploadFolder } from './upload-folder.js'
import { add, fieldTooLarge } from './urlencoded.js'

/** Where the files of a form go: saved in a folder, or handed to the handler. */
export type FileSink = { readonly folder: UploadFolder } | { readonly onFile: (part: FormFilePart) => unknown }

/** The fields and saved files of a multipart form. */
export interface MultipartForm {
  readonly fields: FormFields
  readonly files: FormFile[]
}

/**
 * Reads the multipart body of `req` (its Content-Type is `header`). Rejects with the form error of the first
 * problem; the files saved so far are then still on disk: the caller removes the folder.
 *
 * @example
 * const { fields, files } = await readMultipart(req, req.header('content-type')!, limits, { folder })
 */
export async function readMultipart(req: VectoraRequest<any>, header: string, limits: ResolvedLimits, sink: FileSink): Promise<MultipartForm> {
  const parser = createParser(header, limits)
  const fields: FormFields = Object.create(null)
  const files: FormFile[] = []
  // Writes to disk are waited for whatever happens (their files must be closed before the folder goes);
  // handler promises only on success (a handler that ignores its stream's error would hang the read).
  const writes: Promise<void>[] = []
  const handlers: Promise<void>[] = []
  /** Errors busboy raised (the parser's, its file streams'): a malformed body, not a server fault. */
  const fromBusboy = new WeakSet<object>()
  let failure: unknown
  let failed!: () => void
  /** Settles at the first failure: the read stops waiting for handlers then. */
  const stopped = new Promise<void>((resolve) => (failed = resolve))
  let parts = 0

  const fail = (error: unknown): void => {
    if (failure !== undefined) return
    failure = classify(error, req, fromBusboy)
    failed()
    // Not now: busboy emits its limit events in the middle of its own bookkeeping, which a synchronous destroy
    // would pull out from under it (its `limit` emitter sets `truncated` on the file stream it just cleared).
    const reason = failure instanceof Error ? failure : new Error(String(failure))
    queueMicrotask(() => parser.destroy(reason))
  }

  parser.on('error', (error: unknown) => {
    if (typeof error === 'object' && error !== null) fromBusboy.add(error)
  })
  parser.on('fieldsLimit', () => fail(formError('FORM_TOO_MANY_FIELDS', `The form has more than ${limits.fields} fields; send at most ${limits.fields}.`)))
  parser.on('filesLimit', () => fail(formError('FORM_TOO_MANY_FILES', `The form has more than ${limits.files} files; send at most ${limits.files}.`)))
  parser.on('partsLimit', () => fail(tooManyParts(limits)))

  parser.on('field', (name, value, info) => {
    if (failure !== undefined) return
    if (++parts > limits.parts) return fail(tooManyParts(limits))
    if (info.valueTruncated) return fail(fieldTooLarge(name ?? '', limits))
    add(fields, name ?? '', value)
  })

  parser.on('file', (name, stream, info) => {
    if (failure !== undefined) return void stream.resume()
    if (++parts > limits.parts) {
      stream.resume()
      return fail(tooManyParts(limits))
    }
    stream.on('error', (error: unknown) => {
      if (typeof error === 'object' && error !== null && !isHttpError(error)) fromBusboy.add(error)
    })
    const field = name ?? ''
    stream.once('limit', () => {
      const error = formError('FORM_FILE_TOO_LARGE', `The file in field ${JSON.stringify(field)} is larger than ${limits.fileSize} bytes.`)
      // The part's consumer must see it fail, not end: busboy would end it cut short at the next boundary.
      stream.destroy(error)
      fail(error)
    })
    const described = { field, filename: info.filename ?? '', mimeType: info.mimeType, encoding: info.encoding }
    if ('folder' in sink) {
      const slot = files.length
      files.length++
      writes.push(save(stream, sink.folder).then((saved) => void (files[slot] = { ...described, ...saved }), fail))
    } else {
      handlers.push(handOver(sink.onFile, { ...described, stream }).catch((error: unknown) => fail(error)))
    }
  })

  try {
    await pipeline(req.stream(), parser)
    await Promise.all(writes)
    await Promise.race([Promise.all(handlers), stopped])
  } catch (error) {
    fail(error)
  }
  if (failure !== undefined) {
    await Promise.allSettled(writes)
    throw failure
  }
  return { fields, files }
}

/** busboy for `header`, with the limits. A Content-Type it cannot read (no boundary) is FORM_MALFORMED. */
function createParser(header: string, limits: ResolvedLimits): busboy.Busboy {
  try {
    return busboy({
      headers: { 'content-type': header },
      // busboy counts reaching a size as passing it (a file of exactly `fileSize` bytes is "truncated"), and
      // announces `parts` once that many parts ended, also when the form ends right there: one more each, so a
      // form at a limit is read (the `parts` counter above refuses the part past it as soon as it starts).
      limits: {
        fieldSize: limits.fieldSize + 1,
        fields: limits.fields,
        fileSize: limits.fileSize + 1,
        files: limits.files,
        parts: limits.parts + 1,
      },
      // Browsers send file names as raw utf-8, not latin1 (busboy's default).
      defParamCharset: 'utf8',
    })
  } catch (error) {
    throw formError(
      'FORM_MALFORMED',
      `The multipart/form-data Content-Type cannot be read (${(error as Error).message}): it needs a boundary parameter, as in multipart/form-data; boundary=----x.`,
      error,
    )
  }
}

/** Writes one file part into the folder; resolves its path and size once the file is closed. */
async function save(stream: Readable, folder: UploadFolder): Promise<{ path: string; size: number }> {
  let path: string
  try {
    path = await folder.newFilePath()
  } catch (error) {
    stream.resume()
    throw error
  }
  // `wx`: the folder is this request's own, so an existing file would be a bug; never overwrite.
  const out = createWriteStream(path, { flags: 'wx' })
  await pipeline(stream, out)
  return { path, size: out.bytesWritten }
}

/** Calls the handler; what it left unread of the part is read and dropped, so the form goes on. */
async function handOver(onFile: (part: FormFilePart) => unknown, part: FormFilePart): Promise<void> {
  await onFile(part)
  if (!part.stream.readableEnded && !part.stream.destroyed) part.stream.resume()
}

function tooManyParts(limits: ResolvedLimits) {
  return formError('FORM_TOO_MANY_PARTS', `The form has more than ${limits.parts} parts (fields and files); send at most ${limits.parts}.`)
}

/**
 * The error a read ends with: an HttpError as it is (a limit, the kernel's 413 / 408 of the body), the abort
 * reason once the request is gone, FORM_MALFORMED for what busboy found wrong or a body that stopped before the
 * form's end; anything else (a disk error, a handler's own error) as it is, which answers 500.
 */
function classify(error: unknown, req: VectoraRequest<any>, fromBusboy: WeakSet<object>): unknown {
  if (isHttpError(error)) return error
  if (req.aborted) return req.signal.reason ?? error
  if (typeof error !== 'object' || error === null) return error
  if ((error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return formError('FORM_MALFORMED', 'The body ended before the multipart form did.', error)
  }
  if (fromBusboy.has(error)) {
    return formError(
      'FORM_MALFORMED',
      `The multipart/form-data body is malformed: ${(error as Error).message}. Check that the body uses the boundary of the Content-Type and ends with --boundary--.`,
      error,
    )
  }
  return error
}
