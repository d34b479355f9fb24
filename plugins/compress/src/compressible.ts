/**
 * @module @vectora/compress/compressible — whether a media type is worth compressing: `mime-db`'s `compressible`
 * flag where it has one (`image/png`, `application/zip`, `font/woff2`-like formats are compressed already), else a
 * fallback by shape: `text/*`, `*\/*+json` and `*\/*+xml` are, anything else is not.
 */
import { createRequire } from 'node:module'

interface MimeEntry {
  readonly compressible?: boolean
}

// mime-db is a JSON database with no types of its own: read through require, typed here by the one field used.
const db = createRequire(import.meta.url)('mime-db') as Readonly<Record<string, MimeEntry>>

/**
 * Whether replies of `type` are compressed by default. `type` is a Content-Type value, parameters allowed, any case.
 * An empty or missing type is not (the plugin cannot tell what the bytes are). Note that mime-db marks
 * `application/octet-stream` (the default of `reply.stream()` and of Buffers) compressible.
 *
 * @example
 * isCompressibleType('application/json; charset=utf-8') // true (mime-db)
 * isCompressibleType('image/png') // false (mime-db)
 * isCompressibleType('text/event-stream') // true (not in mime-db: text/*)
 * isCompressibleType('application/x-unknown') // false
 */
export function isCompressibleType(type: string | undefined): boolean {
  if (type === undefined) return false
  const essence = mediaType(type)
  if (essence === '') return false
  const known = db[essence]?.compressible
  if (known !== undefined) return known
  return essence.startsWith('text/') || essence.endsWith('+json') || essence.endsWith('+xml')
}

/**
 * The media type of a Content-Type value: what comes before any `;`, trimmed and lower-cased.
 *
 * @example
 * mediaType('Text/HTML; charset=utf-8') // 'text/html'
 */
export function mediaType(type: string): string {
  const semicolon = type.indexOf(';')
  return (semicolon === -1 ? type : type.slice(0, semicolon)).trim().toLowerCase()
}
