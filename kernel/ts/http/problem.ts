/** @module http/problem — turns any thrown value into an RFC 9457 application/problem+json response. */
import { errorCatalogue, errorDocsUrl, isErrorCode } from '../base/catalogue.js'
import { isHttpError, reasonPhrase } from './errors.js'
import { toHeaderBlock, type HeaderList } from './headers.js'
import type { Wire } from './reply.js'

/** The RFC 9457 body Vectora sends (and the kernel writes for its own replies, minus `stack`). */
export interface ProblemBody {
  /** The docs URL of a VEC_ERR_* code, the HttpError's `type`, or `about:blank`. */
  type: string
  /** The status reason phrase. */
  title: string
  status: number
  detail: string
  /** The request path. */
  instance: string
  code?: string
  requestId: string
  /** Development mode only. */
  stack?: string[]
  /** Extension members (e.g. `errors` of a failed contract). */
  [extension: string]: unknown
}

/** Where the problem happened. */
export interface ProblemSource {
  readonly path: string
  readonly id: string
}

const PROBLEM_BLOCK = 'content-type:application/problem+json\n'

/**
 * Writes the problem+json response for `error` into `out`. An HttpError keeps its status, message
 * (as `detail`), code and headers; anything else is 500 VEC_ERR_INTERNAL whose detail and stack leave
 * the process only in development. Returns true when the error deserves an error log (status >= 500).
 *
 * @example
 * toProblem(new HttpError(404), { path: '/x', id: 'a1b2c3-1' }, false, wire) // false: 4xx are not logged
 */
export function toProblem(error: unknown, source: ProblemSource, development: boolean, out: Wire): boolean {
  const problem = problemOf(error, source, development)
  out.status = problem.status
  out.headers = problem.headers.length === 1 ? PROBLEM_BLOCK : toHeaderBlock(problem.headers)
  out.body = problem.body
  return problem.log
}

/** A problem+json response as parts: what `toProblem` writes to a Wire, and what a pipeline puts in a Reply. */
export interface ProblemParts {
  readonly status: number
  /** content-type first, then the error's own headers (an HttpError's `headers`, its content-type dropped). */
  readonly headers: HeaderList
  readonly body: string
  /** True when the error deserves an error log (status >= 500). */
  readonly log: boolean
}

/**
 * The problem+json response for `error` as parts (see `toProblem` for what it holds).
 *
 * @example
 * problemOf(new HttpError(404), { path: '/x', id: 'a1b2c3-1' }, false).status // 404
 */
export function problemOf(error: unknown, source: ProblemSource, development: boolean): ProblemParts {
  let status: number
  let code: string | undefined
  let detail: string
  let type: string | undefined
  const headers: HeaderList = [['content-type', 'application/problem+json']]
  let extensions: Readonly<Record<string, unknown>> | undefined
  if (isHttpError(error)) {
    extensions = error.extensions
    status = error.status
    code = error.code
    detail = error.message
    type = error.type
    // The body is problem+json whatever the error says; every other header is kept.
    for (const [name, value] of error.headers) if (name !== 'content-type') headers.push([name, value])
    if (development && status >= 500 && error.cause instanceof Error) detail += ` (${error.cause.message})`
  } else {
    status = 500
    code = 'VEC_ERR_INTERNAL'
    detail = development ? messageOf(error) : errorCatalogue.VEC_ERR_INTERNAL.message
  }
  const body: ProblemBody = {
    type: type ?? (isErrorCode(code) ? errorDocsUrl(code) : 'about:blank'),
    title: reasonPhrase(status),
    status,
    detail,
    instance: source.path,
    code,
    requestId: source.id,
  }
  // Extension members follow the standard ones and never replace them.
  if (extensions !== undefined) for (const [key, value] of Object.entries(extensions)) if (!(key in body)) body[key] = value
  if (development && status >= 500 && error instanceof Error && typeof error.stack === 'string') {
    body.stack = error.stack.split('\n').map((line) => line.trim())
  }
  return { status, headers, body: JSON.stringify(body), log: status >= 500 }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  try {
    return `Non-error thrown: ${String(error)}`
  } catch {
    return 'Non-error thrown'
  }
}
