/**
 * @module http/body-reader — body readers: how a plugin teaches the route contracts a media type other than
 * JSON. A route's `schema.body` reads `application/json` itself; a request of a media type a registered reader
 * claims (`application/x-www-form-urlencoded`, `multipart/form-data` for @vectora/form) is read by that reader in
 * the validate phase, and its value checked by the same contract (docs/contracts.md#body-readers).
 */
import { VectoraError } from '../base/catalogue.js'
import { describe } from '../base/check.js'
import type { VectoraRequest } from './request.js'

/**
 * A reader of request bodies of some media types, for the contract of every route in the scope it is registered
 * in (`app.bodyReader(reader)` from a plugin).
 *
 * @example
 * app.bodyReader({
 *   mediaTypes: ['application/x-www-form-urlencoded'],
 *   strings: true,
 *   read: async (req) => Object.fromEntries(new URLSearchParams((await req.buffer()).toString('latin1'))),
 * })
 */
export interface BodyReader {
  /** The media types it reads: lower-case `type/subtype`, without parameters (`multipart/form-data`). Never JSON's. */
  readonly mediaTypes: readonly string[]
  /**
   * Reads the body of `req` (a `Promise` or a value) before the contract checks it. Reject with an HttpError for
   * a body it refuses (413 past a limit, 400 for a malformed body): the request is answered with it.
   */
  read(req: VectoraRequest<any>): unknown
  /**
   * Its values are strings (a form's fields): the contract then coerces the top-level keys of the body the way it
   * coerces a query (docs/contracts.md#coercion): numbers, booleans, a single value where an array is wanted.
   */
  readonly strings?: boolean
}

/** `type/subtype`, lower-case: RFC 9110's token characters on both sides. */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/
const isJsonType = (type: string): boolean => type === 'application/json' || type.endsWith('+json')

/**
 * The media type of a Content-Type header, lower-case, without parameters: `''` when there is none.
 *
 * @example
 * mediaTypeOf('Multipart/Form-Data; boundary=x') // 'multipart/form-data'
 */
export function mediaTypeOf(header: string | undefined): string {
  if (header === undefined) return ''
  const semi = header.indexOf(';')
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase()
}

/**
 * Checks what a plugin passes to `bodyReader()`; `owner` names it in the message. Throws VectoraError
 * VEC_ERR_PLUGIN_INVALID for anything but a reader of valid, non-JSON media types.
 *
 * @example
 * checkBodyReader({ mediaTypes: ['text/csv'], read: readCsv }, '@acme/csv') // passes
 */
export function checkBodyReader(reader: unknown, owner: string): asserts reader is BodyReader {
  const fail = (why: string): never => {
    throw new VectoraError('VEC_ERR_PLUGIN_INVALID', `${owner} passed bodyReader() ${why}.`)
  }
  if (typeof reader !== 'object' || reader === null) fail(`${describe(reader)}: give { mediaTypes: ['type/subtype'], read(req) }`)
  const { mediaTypes, read, strings } = reader as Partial<BodyReader>
  if (typeof read !== 'function') fail(`a reader whose read is ${describe(read)}: give a function (req) => value | Promise`)
  if (!Array.isArray(mediaTypes) || mediaTypes.length === 0) fail(`mediaTypes ${describe(mediaTypes)}: give a non-empty array such as ['text/csv']`)
  for (const type of mediaTypes!) {
    if (typeof type !== 'string' || !MEDIA_TYPE.test(type)) {
      fail(`the media type ${describe(type)}: write a lower-case type/subtype without parameters, such as 'multipart/form-data'`)
    }
    if (isJsonType(type)) fail(`the media type '${type}': JSON bodies are the contracts' own; a reader adds other media types`)
  }
  if (strings !== undefined && typeof strings !== 'boolean') fail(`strings ${describe(strings)}: give true or false`)
}
