/**
 * @module @vectora/form/content-type — which form a request body is, from its Content-Type: urlencoded,
 * multipart, or neither (a 415). busboy reads the multipart parameters (the boundary) itself.
 */
import { unsupportedMediaType } from './errors.js'

/** The kinds of body `readForm` reads. */
export type FormKind = 'urlencoded' | 'multipart'

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i
const UTF8 = new Set(['utf-8', 'utf8', 'us-ascii'])

/**
 * The form kind of a Content-Type header. Throws the 415 for any other type, and for a urlencoded body in a
 * charset other than utf-8 (URLSearchParams decodes utf-8 only; browsers send the page's charset, so serve
 * forms from utf-8 pages).
 *
 * @example
 * formKind('multipart/form-data; boundary=x') // 'multipart'
 * formKind('application/json') // throws 415 VEC_ERR_UNSUPPORTED_MEDIA_TYPE
 */
export function formKind(header: string | undefined): FormKind {
  if (header !== undefined) {
    const semi = header.indexOf(';')
    const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase()
    if (type === 'multipart/form-data') return 'multipart'
    if (type === 'application/x-www-form-urlencoded') {
      const charset = semi === -1 ? undefined : CHARSET.exec(header)?.[1]?.toLowerCase()
      if (charset === undefined || UTF8.has(charset)) return 'urlencoded'
    }
  }
  throw unsupportedMediaType(header)
}
