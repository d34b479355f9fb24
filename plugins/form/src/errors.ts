/**
 * @module @vectora/form/errors — the errors a client can cause when it sends a form: one catalogue of stable
 * codes with their status, each an `HttpError` from 'vectora' so the reply is problem+json.
 */
import { HttpError, httpError } from 'vectora'

/** The codes of the form errors a client can cause, with their status and what the reply says by default. */
export const formErrors = Object.freeze({
  FORM_FIELD_TOO_LARGE: { status: 413, message: 'A form field is larger than this route accepts.' },
  FORM_TOO_MANY_FIELDS: { status: 413, message: 'The form has more fields than this route accepts.' },
  FORM_FILE_TOO_LARGE: { status: 413, message: 'A file in the form is larger than this route accepts.' },
  FORM_TOO_MANY_FILES: { status: 413, message: 'The form has more files than this route accepts.' },
  FORM_TOO_MANY_PARTS: { status: 413, message: 'The form has more parts than this route accepts.' },
  FORM_MALFORMED: { status: 400, message: 'The form body is malformed.' },
} as const)

/** A code of the catalogue above. */
export type FormErrorCode = keyof typeof formErrors

/**
 * The HttpError of `code`, with a `detail` that says what to change (the catalogue's message when omitted).
 *
 * @example
 * throw formError('FORM_FILE_TOO_LARGE', 'The file "avatar" is larger than 1048576 bytes.')
 */
export function formError(code: FormErrorCode, detail?: string, cause?: unknown): HttpError {
  const entry = formErrors[code]
  return new HttpError(entry.status, detail ?? entry.message, { code, cause })
}

/**
 * The 415 of a body that is not a form: the core's VEC_ERR_UNSUPPORTED_MEDIA_TYPE, the code `req.json()` answers
 * with, so a client handles one code for "wrong content type" whatever the route reads.
 *
 * @example
 * throw unsupportedMediaType('text/plain')
 */
export function unsupportedMediaType(header: string | undefined): HttpError {
  const got = header === undefined ? 'no content-type' : JSON.stringify(header)
  return httpError('VEC_ERR_UNSUPPORTED_MEDIA_TYPE', `readForm() reads application/x-www-form-urlencoded or multipart/form-data (utf-8); got ${got}.`)
}
