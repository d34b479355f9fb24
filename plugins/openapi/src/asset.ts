/**
 * @module @vectora/openapi/asset — a response body computed once at ready (the document, the docs page, Swagger UI's
 * files) and served with its ETag: `If-None-Match` gets a 304, and versioned files are cached for a year.
 */
import { createHash } from 'node:crypto'
import { Reply, type VectoraRequest } from 'vectora'

/** A body with the headers it is always sent with. */
export interface Asset {
  readonly body: string | Buffer
  readonly etag: string
  readonly headers: Readonly<Record<string, string>>
}

/** For files whose path changes with their content (the version or a hash is in the path). */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** For what may change at the next deploy under the same path (the document, the page): revalidate each time. */
export const REVALIDATE = 'no-cache'

/**
 * An asset: `body` with its content type, cache policy, a strong ETag of its bytes, `nosniff`, and `headers`.
 *
 * @example
 * createAsset('{"openapi":"3.1.0"}', 'application/json; charset=utf-8', REVALIDATE)
 */
export function createAsset(body: string | Buffer, type: string, cacheControl: string, headers: Record<string, string> = {}): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  return {
    body,
    etag,
    headers: { 'content-type': type, 'cache-control': cacheControl, etag, 'x-content-type-options': 'nosniff', ...headers },
  }
}

/** The reply for `req`: 304 without a body when its If-None-Match names the asset's ETag (weak comparison, RFC 9110 §13.1.2). */
export function serveAsset(asset: Asset, req: VectoraRequest<any>): Reply {
  const tags = req.header('if-none-match')?.split(',') ?? []
  if (tags.some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === asset.etag)) {
    return new Reply(304, undefined, { etag: asset.etag, 'cache-control': asset.headers['cache-control']! })
  }
  return new Reply(200, asset.body, asset.headers)
}

/** A short content hash, for versioned paths. */
export function contentHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12)
}
