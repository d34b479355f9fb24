/** @module http/errors — HttpError, the error users throw to answer with a 4xx/5xx problem+json reply. */
import { STATUS_CODES } from 'node:http'
import { errorCatalogue, type HttpErrorCode } from '../base/catalogue.js'
import { toResponseHeaderList, type HeaderList, type HeadersInit } from './headers.js'

export { errorCatalogue, VectoraError } from '../base/catalogue.js'
export type { ErrorCode, ErrorEntry } from '../base/catalogue.js'

/** Options of `new HttpError(status, message, options)`. */
export interface HttpErrorOptions {
  /** A stable machine-readable code for the problem body (`code` field); VEC_ERR_* codes are reserved. */
  code?: string
  /** Extra response headers (e.g. `retry-after`, `www-authenticate`); validated here. */
  headers?: HeadersInit
  /** The underlying error; logged for 5xx, never sent. */
  cause?: unknown
  /** Problem `type` URI; defaults to the docs URL of a VEC_ERR_* code, else `about:blank`. */
  type?: string
  /** Extension members of the problem body (RFC 9457 §3.2), e.g. `{ errors: [...] }`; public like `message`. */
  extensions?: Readonly<Record<string, unknown>>
}

const BRAND = Symbol.for('vectora.HttpError')

/**
 * An error with an HTTP status. Throw it (or reject with it) from a handler: the reply is RFC 9457
 * problem+json whose `detail` is `message` — so the message is public; put secrets in `cause`.
 *
 * @example
 * app.get('/users/:id', (req) => {
 *   throw new HttpError(404, `No user ${req.params.id}`, { code: 'USER_NOT_FOUND' })
 * })
 */
export class HttpError extends Error {
  readonly status: number
  readonly code: string | undefined
  readonly type: string | undefined
  /** Validated extra headers, names lower-case. */
  readonly headers: HeaderList
  /** Extra members of the problem body; the standard members (type, title, status...) always win. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`HttpError status must be an integer from 400 to 599 (got ${String(status)}).`)
    }
    super(message ?? reasonPhrase(status), options.cause === undefined ? undefined : { cause: options.cause })
    this.status = status
    this.code = options.code
    this.type = options.type
    this.headers = toResponseHeaderList(options.headers)
    this.extensions = options.extensions
  }

  static {
    this.prototype.name = 'HttpError'
    Object.defineProperty(this.prototype, BRAND, { value: true })
  }
}

/**
 * True for an HttpError, also one created by another copy of the vectora package.
 *
 * @example
 * if (isHttpError(err) && err.status === 404) { ... }
 */
export function isHttpError(value: unknown): value is HttpError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
}

/**
 * An HttpError for a catalogued framework code, with the catalogue's status and default detail.
 *
 * @example
 * throw httpError('VEC_ERR_EMPTY_BODY')
 */
export function httpError(code: HttpErrorCode, detail?: string, options?: Omit<HttpErrorOptions, 'code'>): HttpError {
  const entry = errorCatalogue[code]
  return new HttpError(entry.status, detail ?? entry.message, { ...options, code })
}

/** The reason phrase of a status (`Not Found`); a generic one for unregistered statuses. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'Unknown')
}
