/**
 * @module @vectora/form/read-form — `readForm(req, options)`: the request body read as a form, urlencoded or
 * multipart, under the limits of the call over those of the plugin, its fields validated by a schema when one
 * is given.
 */
import type { AnyRequest, VectoraRequest } from 'vectora'
import { formKind } from './content-type.js'
import { type FieldSchema, type InferFields, isFieldSchema, validateFields } from './field-schema.js'
import { type FileSink, readMultipart } from './multipart.js'
import { FormConfigError, type FormOptions, resolveFormOptions } from './options.js'
import { formState, type RequestForm } from './request-state.js'
import type { Form, FormFields, FormFilePart } from './types.js'
import { UploadFolder } from './upload-folder.js'
import { readUrlencoded } from './urlencoded.js'

/**
 * The options of one `readForm`: limits and `tmpDir` over the plugin's, and what to do with the fields and files.
 *
 * @example
 * const options: ReadFormOptions<typeof Avatar> = { schema: Avatar, files: 1, fileSize: 2 * 1024 * 1024 }
 */
export interface ReadFormOptions<S extends FieldSchema | undefined = undefined> extends FormOptions {
  /**
   * Validates the fields (an arktype Type, or any Standard Schema): arktype Types first coerce the strings as a
   * route's query is coerced. A failure rejects with 400 VEC_ERR_VALIDATION listing every failing field.
   */
  schema?: S
  /**
   * Receives each file part instead of saving it (stream it to storage of your own): read `part.stream` to its
   * end, resolve when the bytes are safe. A rejection fails the read with that error. `files` is then empty.
   */
  onFile?: (part: FormFilePart) => unknown
}

const READ_OPTIONS = ['schema', 'onFile']

/**
 * Reads the body of `req` as a form, once: a later call on the same request gives the same result (the first
 * call's options apply). `application/x-www-form-urlencoded` is read whole (under the route's `bodyLimit`);
 * `multipart/form-data` is streamed through busboy from `req.stream()`, so on a `body: 'stream'` route an upload
 * never sits in memory: each file is written to the request's upload folder (removed when the request ends —
 * this needs `app.register(form)`) or handed to `onFile`.
 *
 * Rejects with a problem+json HttpError: 413 FORM_FIELD_TOO_LARGE, FORM_TOO_MANY_FIELDS, FORM_FILE_TOO_LARGE,
 * FORM_TOO_MANY_FILES, FORM_TOO_MANY_PARTS past a limit; 400 FORM_MALFORMED for a body that is no valid form;
 * 415 VEC_ERR_UNSUPPORTED_MEDIA_TYPE for another content type; 400 VEC_ERR_VALIDATION when `schema` refuses the
 * fields. The files of a failed read are removed before it rejects.
 *
 * @example
 * app.post('/profile', { body: 'stream', bodyLimit: 20 * 1024 * 1024 }, async (req) => {
 *   const { fields, files } = await readForm(req, { schema: Profile, files: 1 })
 *   await fs.promises.copyFile(files[0].path, `/srv/avatars/${fields.user}`)
 *   return { user: fields.user, bytes: files[0].size }
 * })
 */
export function readForm<S extends FieldSchema>(req: AnyRequest, options: ReadFormOptions<S> & { schema: S }): Promise<Form<InferFields<S>>>
export function readForm(req: AnyRequest, options?: ReadFormOptions): Promise<Form<FormFields>>
export function readForm(req: AnyRequest, options?: ReadFormOptions<FieldSchema | undefined>): Promise<Form<unknown>> {
  // Any route's request, typed by a contract or not, is a VectoraRequest at run time.
  const request = req as unknown as VectoraRequest<any>
  const state = formState(request)
  state.read ??= read(request, state, options)
  return state.read
}

async function read(req: VectoraRequest<any>, state: RequestForm, options: ReadFormOptions<FieldSchema | undefined> | undefined): Promise<Form<unknown>> {
  const { limits, tmpDir } = resolveFormOptions(options, state.options, READ_OPTIONS)
  const schema = options?.schema
  if (schema !== undefined && !isFieldSchema(schema)) {
    throw new FormConfigError('schema is an arktype Type (or another Standard Schema): schema: type({ ... }).')
  }
  const onFile = options?.onFile
  if (onFile !== undefined && typeof onFile !== 'function') throw new FormConfigError('onFile is a function (part) => Promise.')
  if (req.aborted) throw req.signal.reason
  const header = req.header('content-type')
  const kind = formKind(header)
  if (kind === 'urlencoded') {
    const fields = await readUrlencoded(req, limits)
    return { fields: schema === undefined ? fields : await validateFields(schema, fields, where(req)), files: [] }
  }
  let sink: FileSink
  let folder: UploadFolder | undefined
  if (onFile !== undefined) sink = { onFile }
  else {
    if (!state.managed) throw notRegistered()
    if (state.ended) throw ended()
    folder = state.folder = new UploadFolder(tmpDir)
    sink = { folder }
  }
  try {
    const form = await readMultipart(req, header!, limits, sink)
    // The request ended while the last file was closed: the end's removal may have missed it.
    if (folder?.ended) throw req.aborted ? req.signal.reason : ended()
    return { fields: schema === undefined ? form.fields : await validateFields(schema, form.fields, where(req)), files: form.files }
  } catch (error) {
    await folder?.remove()
    throw error
  }
}

/** `POST /signup`: the route as declared, as the core's contract errors name it. */
function where(req: VectoraRequest<any>): string {
  return `${req.method} ${req.route ?? req.path}`
}

function ended(): Error {
  return new DOMException('The request ended before its form was read.', 'AbortError')
}

function notRegistered(): Error {
  return Object.assign(
    new Error(
      '@vectora/form: readForm() saves the files of a multipart form in a folder that the form plugin removes when the request ends, ' +
        'and the plugin does not cover this route. Register it on the app or the route’s group (app.register(form)), or pass onFile to receive the files yourself.',
    ),
    { code: 'FORM_NOT_REGISTERED' },
  )
}
