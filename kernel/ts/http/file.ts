/**
 * @module http/file — `reply.file(path)`: a file as a reply, sent by the kernel without entering JavaScript,
 * with `Content-Type`, `Last-Modified`, an `ETag`, and the conditional and range requests of RFC 9110: 304 for
 * `If-None-Match` / `If-Modified-Since`, 206 for one `Range` (with `If-Range`), 416 for a range outside the file.
 *
 * `fileReply` stats the file and builds a 200 `Reply` whose body is a `FileBody`; `resolveFileReply` — run by the
 * core before onSend, where the request is known — turns it into the 304, 206 or 416 the request asks for, so onSend
 * hooks see the status that will be sent. `Content-Length` is the kernel's (the body's exact size).
 */
import { promises as fs } from 'node:fs'
import { basename } from 'node:path'
import mime from 'mime-types'
import { FileBody } from './body.js'
import { httpError } from './errors.js'
import type { HeadersInit } from './headers.js'
import { Reply } from './reply.js'

/** Options of `reply.file(path, options)`. */
export interface FileReplyOptions {
  /** The Content-Type; default from the file's extension (`application/octet-stream` when unknown). */
  contentType?: string
  /** The Cache-Control header. Default `public, max-age=0` (caches revalidate with the ETag). */
  cacheControl?: string
  /** Send `ETag` (and answer `If-None-Match`). Default true. */
  etag?: boolean
  /** Send `Last-Modified` (and answer `If-Modified-Since`). Default true. */
  lastModified?: boolean
  /** `Content-Disposition: attachment`, with this file name (`true`: the file's own name). */
  download?: boolean | string
  /** Serve `Range` requests (206). Default true. */
  ranges?: boolean
  /** More headers. */
  headers?: HeadersInit
}

/** The reading side of a request that conditionals need. */
interface ConditionalRequest {
  readonly method: string
  header(name: string): string | undefined
}

const RANGES: unique symbol = Symbol('ranges')
type FileReply = Reply & { [RANGES]?: boolean }

/**
 * A 200 reply of the file at `path` (stat now; sent by the kernel). A missing path, a folder or an unreadable
 * file is a 404 `VEC_ERR_NOT_FOUND` that does not reveal which: serve only paths you chose (see @vectora/static for
 * a folder under a prefix, with traversal checks).
 *
 * @example
 * app.get('/report', () => reply.file('/srv/reports/latest.pdf', { download: 'report.pdf' }))
 */
export async function fileReply(path: string, options: FileReplyOptions = {}): Promise<Reply> {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) throw new TypeError('reply.file() needs a file path (a non-empty string without NUL).')
  let stat: import('node:fs').Stats
  try {
    stat = await fs.stat(path)
  } catch {
    throw httpError('VEC_ERR_NOT_FOUND', 'No such file.')
  }
  if (!stat.isFile()) throw httpError('VEC_ERR_NOT_FOUND', 'No such file.')
  const reply: FileReply = new Reply(200, new FileBody(path, stat.size), options.headers)
  const has = (name: string): boolean => reply.headerList.some(([n]) => n === name)
  if (!has('content-type')) reply.header('content-type', options.contentType ?? contentTypeOf(path))
  if (options.etag !== false && !has('etag')) reply.header('etag', `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`)
  if (options.lastModified !== false && !has('last-modified')) reply.header('last-modified', stat.mtime.toUTCString())
  if (!has('cache-control')) reply.header('cache-control', options.cacheControl ?? 'public, max-age=0')
  if (options.ranges !== false) reply.header('accept-ranges', 'bytes')
  else reply[RANGES] = false
  if (options.download !== undefined && options.download !== false) {
    const name = options.download === true ? basename(path) : options.download
    reply.header('content-disposition', contentDisposition(name))
  }
  return reply
}

/**
 * The reply the request asks for, when `reply` is a 200 file reply: 304 Not Modified, 206 Partial Content, 416
 * Range Not Satisfiable, or the reply itself. Any other reply is returned as it is.
 *
 * @example
 * const sent = resolveFileReply(await reply.file('/srv/a.txt'), req) // 304 when req's If-None-Match matches
 */
export function resolveFileReply(reply: Reply, req: ConditionalRequest): Reply {
  const body = reply.body
  if (!(body instanceof FileBody) || reply.status !== 200) return reply
  const method = req.method
  if (method !== 'GET' && method !== 'HEAD') return reply
  const etag = headerOf(reply, 'etag')
  const lastModified = headerOf(reply, 'last-modified')
  const ifNoneMatch = req.header('if-none-match')
  if (ifNoneMatch !== undefined) {
    if (etag !== undefined && matchesEtag(ifNoneMatch, etag)) return notModified(reply)
  } else {
    const since = req.header('if-modified-since')
    if (since !== undefined && lastModified !== undefined && isNotModifiedSince(lastModified, since)) return notModified(reply)
  }
  const range = req.header('range')
  if (range === undefined || method !== 'GET' || (reply as FileReply)[RANGES] === false) return reply
  const ifRange = req.header('if-range')
  if (ifRange !== undefined && !ifRangeHolds(ifRange, etag, lastModified)) return reply
  const wanted = parseRange(range, body.size)
  if (wanted === 'ignore') return reply
  if (wanted === 'unsatisfiable') {
    const refused = new Reply(416, undefined)
    for (const [name, value] of reply.headerList) if (name !== 'content-type' && name !== 'content-disposition') refused.headerList.push([name, value])
    refused.header('content-range', `bytes */${body.size}`)
    return refused
  }
  const [start, end] = wanted
  reply.status = 206
  reply.body = body.slice(start, end - start + 1)
  reply.header('content-range', `bytes ${start}-${end}/${body.size}`)
  return reply
}

function notModified(reply: Reply): Reply {
  const out = new Reply(304)
  // RFC 9110 §15.4.5: the fields a 200 would have carried that describe the representation's caching.
  for (const [name, value] of reply.headerList) {
    if (name === 'etag' || name === 'last-modified' || name === 'cache-control' || name === 'vary' || name === 'expires' || name === 'content-location')
      out.headerList.push([name, value])
  }
  return out
}

function headerOf(reply: Reply, name: string): string | undefined {
  for (const [n, v] of reply.headerList) if (n === name) return v
  return undefined
}

/** If-None-Match: `*` or a list of entity tags, compared weakly (RFC 9110 §13.1.2). */
function matchesEtag(header: string, etag: string): boolean {
  const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag)
  const mine = opaque(etag)
  return header.split(',').some((candidate) => {
    const tag = candidate.trim()
    return tag === '*' || opaque(tag) === mine
  })
}

function isNotModifiedSince(lastModified: string, since: string): boolean {
  const modified = Date.parse(lastModified)
  const limit = Date.parse(since)
  return !Number.isNaN(modified) && !Number.isNaN(limit) && modified <= limit
}

/** If-Range: a strong entity tag equal to ours, or an HTTP date equal to Last-Modified (RFC 9110 §13.1.5). */
function ifRangeHolds(header: string, etag: string | undefined, lastModified: string | undefined): boolean {
  const value = header.trim()
  if (value.startsWith('"') || value.startsWith('W/')) return etag !== undefined && !value.startsWith('W/') && value === etag
  return lastModified !== undefined && Date.parse(value) === Date.parse(lastModified)
}

/**
 * One `bytes=` range of a file of `size` bytes as [first, last] (inclusive): `a-b`, `a-`, `-n`. Several ranges,
 * another unit or a malformed header are served as the whole file ('ignore', as RFC 9110 §14.2 allows); a range
 * that starts past the end is 'unsatisfiable'.
 */
export function parseRange(header: string, size: number): [number, number] | 'ignore' | 'unsatisfiable' {
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (match === null) return 'ignore'
  const [, from, to] = match as unknown as [string, string, string]
  if (from === '' && to === '') return 'ignore'
  if (from === '') {
    const suffix = Number(to)
    if (suffix === 0) return 'unsatisfiable'
    return size === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(from)
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable'
  if (end < start) return 'ignore'
  return [start, end]
}

function contentTypeOf(path: string): string {
  const type = mime.lookup(path)
  if (type === false) return 'application/octet-stream'
  const charset = mime.charset(type)
  return charset === false ? type : `${type}; charset=${charset.toLowerCase()}`
}

/** `attachment; filename="..."` with an RFC 5987 `filename*` when the name is not plain ASCII. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  if (ascii === name) return `attachment; filename="${name}"`
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
