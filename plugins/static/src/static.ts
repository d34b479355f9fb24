/**
 * @module @vectora/static — a folder served under a prefix: `GET` (and `HEAD`, which the kernel serves from `GET`)
 * routes `${prefix}`, `${prefix}/` and `${prefix}/*`, each answered with `reply.file()`, so ETag, Last-Modified,
 * 304, Range (206/416) and the kernel's zero-copy send come from the core.
 *
 * Per request: the decoded path is checked as a string (request-path.ts: NUL is a 400; `..`, `.`, empty segments
 * and backslashes are 404s), the dotfiles policy applies, then the file is looked up inside the root with realpath
 * (locate.ts: index files, extensions, folder redirects), and a precompressed variant is picked from
 * Accept-Encoding (accept-encoding.ts). No state is shared between requests but the root's realpath and the
 * learnt content types.
 */
import { definePlugin, type Reply, reply, type VectoraRequest } from 'vectora'
import { acceptedEncodings } from './accept-encoding.js'
import { ContentTypes } from './content-type.js'
import { dotfileDenied, invalidPath, notFound } from './errors.js'
import { type FoundFile, Locator } from './locate.js'
import { type ResolvedStatic, resolveStaticOptions, type StaticOptions } from './options.js'
import { parseRequestPath } from './request-path.js'

const VERSION = '0.1.0'

/**
 * The static files plugin. `multiple: true`: register it once per folder, each under its own prefix.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { serveStatic } from '@vectora/static'
 *
 * const app = createApp()
 * app.register(serveStatic, { root: new URL('./public/', import.meta.url) })
 * app.register(serveStatic, { root: new URL('./dist/assets/', import.meta.url), prefix: '/assets', maxAge: 31536000, immutable: true })
 * await app.listen({ port: 3000 })
 */
export const serveStatic = definePlugin<StaticOptions>({
  name: '@vectora/static',
  version: VERSION,
  multiple: true,
  setup(app, options) {
    const config = resolveStaticOptions(options)
    const serve = createServe(config)
    if (config.base === '') {
      app.get('/', (req) => serve(req, ''))
    } else {
      // The prefix itself is the root folder asked for without its trailing slash.
      app.get(config.base, (req) => {
        if (config.redirect) return redirectToFolder(req)
        throw notFound()
      })
      app.get(`${config.base}/`, (req) => serve(req, ''))
    }
    const wildcard: string = `${config.base}/*`
    app.get(wildcard, (req) => serve(req, req.params['*'] ?? ''))
  },
})

/** The handler of one registration: `relative` is the decoded path after the prefix's `/`. */
function createServe(config: ResolvedStatic): (req: VectoraRequest<any>, relative: string) => Promise<Reply> {
  const locator = new Locator(config)
  const types = new ContentTypes()
  return async function serve(req, relative) {
    const path = parseRequestPath(relative)
    if (path.kind === 'invalid') throw invalidPath()
    if (path.kind === 'outside') throw notFound()
    if (path.dotted && config.dotfiles !== 'allow') throw config.dotfiles === 'deny' ? dotfileDenied() : notFound()
    const found = await locator.locate(path.segments, path.folder)
    if (found === undefined) throw notFound()
    if (found.kind === 'folder') {
      if (config.redirect) return redirectToFolder(req)
      throw notFound()
    }
    return sendFile(config, locator, types, req, found)
  }
}

/**
 * `reply.file()` of the file, or of the precompressed variant the client prefers. Every reply of a file that has
 * a variant says `Vary: Accept-Encoding` (the identity one too: a cache must not hand it to a client that would
 * have got br, nor the br one to a client that cannot decode it). A variant keeps the original's Content-Type,
 * gets `Content-Encoding`, and an ETag of its own (`"…-br"`: the representations differ, so must their tags).
 */
async function sendFile(config: ResolvedStatic, locator: Locator, types: ContentTypes, req: VectoraRequest<any>, file: FoundFile): Promise<Reply> {
  const options = { cacheControl: config.cacheControl(file.relative), etag: config.etag, lastModified: config.lastModified, ranges: config.ranges }
  if (!config.preCompressed) return reply.file(file.path, options)
  const variants = await locator.variants(file)
  if (variants.length === 0) return reply.file(file.path, options)
  let chosen: (typeof variants)[number] | undefined
  for (const encoding of acceptedEncodings(req.header('accept-encoding'))) {
    chosen = variants.find((variant) => variant.encoding === encoding)
    if (chosen !== undefined) break
  }
  if (chosen === undefined) return reply.file(file.path, { ...options, headers: { vary: 'Accept-Encoding' } })
  const contentType = await types.of(file.path)
  const sent = await reply.file(chosen.path, { ...options, contentType, headers: { vary: 'Accept-Encoding', 'content-encoding': chosen.encoding } })
  const etag = sent.headerList.find(([name]) => name === 'etag')?.[1]
  if (etag?.endsWith('"')) sent.header('etag', `${etag.slice(0, -1)}-${chosen.encoding}"`)
  return sent
}

/**
 * The 301 of a folder asked for without its trailing slash, to the slash form (relative links in its index then
 * resolve inside it). The Location is relative (`./docs/`, the query kept): it resolves against the URL the client
 * used, so it stays right behind a proxy that strips a path prefix, and can never point to another host.
 */
function redirectToFolder(req: VectoraRequest<any>): Reply {
  const path = req.path
  const q = req.url.indexOf('?')
  return reply.redirect(`./${path.slice(path.lastIndexOf('/') + 1)}/${q === -1 ? '' : req.url.slice(q)}`, 301)
}
