/** @module http/headers — the `name:value\n` header block shared with the kernel: parse, serialize, validate. */
import { describe } from '../base/check.js'
import { VectoraError } from '../base/catalogue.js'

/** A header value as users give it: arrays become repeated fields. */
export type HeaderValue = string | number | readonly string[]
/** Headers as users give them. */
export type HeadersInit = Readonly<Record<string, HeaderValue>>
/** Ordered header fields, names lower-case. */
export type HeaderList = Array<[name: string, value: string]>

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// HTAB, visible ASCII, obs-text (0x80-0xFF). Anything else (CR, LF, NUL, other controls, > 0xFF) is refused.
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/
// Framing and hop-by-hop fields belong to the kernel: a wrong content-length desynchronises the connection.
const KERNEL_OWNED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'proxy-connection', 'te', 'trailer'])

/** Throws VEC_ERR_INVALID_HEADER unless `name` is an HTTP token. Returns it lower-cased. */
export function checkHeaderName(name: unknown): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new VectoraError('VEC_ERR_INVALID_HEADER', `Header name ${JSON.stringify(name)} is not an HTTP token.`)
  }
  return name.toLowerCase()
}

/** Throws VEC_ERR_INVALID_HEADER unless `value` is a string or finite number with no CR, LF, NUL or char > 0xFF. */
export function checkHeaderValue(name: string, value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
  if (typeof text !== 'string' || BAD_VALUE.test(text)) {
    throw new VectoraError(
      'VEC_ERR_INVALID_HEADER',
      `Value of header "${name}" must be a string or number without control characters (got ${describe(value)}).`,
    )
  }
  return text
}

/** Validates a response header and refuses the fields the kernel owns. Returns the lower-case name. */
export function checkResponseHeaderName(name: unknown): string {
  const lower = checkHeaderName(name)
  if (KERNEL_OWNED.has(lower)) {
    throw new VectoraError('VEC_ERR_INVALID_HEADER', `Header "${lower}" is set by the kernel and cannot be set by a reply.`)
  }
  return lower
}

/**
 * Sets `name` in `list`: replaces earlier fields of that name, except `set-cookie`, which accumulates.
 * Arrays become repeated fields. `name` must already be validated and lower-case.
 */
export function setHeader(list: HeaderList, name: string, value: HeaderValue): void {
  if (name !== 'set-cookie') {
    for (let i = list.length - 1; i >= 0; i--) if (list[i][0] === name) list.splice(i, 1)
  }
  if (Array.isArray(value)) for (const item of value) list.push([name, checkHeaderValue(name, item)])
  else list.push([name, checkHeaderValue(name, value)])
}

/** Validates response headers given as an object into `list` (created when absent). */
export function toResponseHeaderList(init: HeadersInit | undefined, list: HeaderList = []): HeaderList {
  if (init === undefined) return list
  if (init === null || typeof init !== 'object') {
    throw new VectoraError('VEC_ERR_INVALID_HEADER', `Headers must be an object of name -> value (got ${describe(init)}).`)
  }
  for (const name of Object.keys(init)) setHeader(list, checkResponseHeaderName(name), init[name])
  return list
}

/** Serializes a list into the kernel's block format: one `name:value\n` line per field. */
export function toHeaderBlock(list: HeaderList): string {
  let block = ''
  for (let i = 0; i < list.length; i++) block += list[i][0] + ':' + list[i][1] + '\n'
  return block
}

/**
 * Parses a header block into a plain (null-prototype) object with lower-case names; repeated fields are
 * joined with ', ' (`cookie` with '; ', as RFC 6265 asks).
 */
export function parseHeaderBlock(block: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  let start = 0
  while (start < block.length) {
    let end = block.indexOf('\n', start)
    if (end === -1) end = block.length
    const colon = block.indexOf(':', start)
    if (colon !== -1 && colon < end) {
      const name = block.slice(start, colon)
      const value = block.slice(colon + 1, end)
      const prev = out[name]
      out[name] = prev === undefined ? value : prev + (name === 'cookie' ? '; ' : ', ') + value
    }
    start = end + 1
  }
  return out
}

/** Parses a header block into ordered `[name, value]` pairs, repeated fields kept apart. */
export function parseHeaderList(block: string): HeaderList {
  const list: HeaderList = []
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) list.push([line.slice(0, colon), line.slice(colon + 1)])
  }
  return list
}
