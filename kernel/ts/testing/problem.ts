/** @module testing/problem — asserts the RFC 9457 problem+json shape every Vectora error reply shares. */
import assert from 'node:assert/strict'

/** A request id as Vectora writes it by default: `<prefix>-<base36>`, the prefix 1-32 of [A-Za-z0-9_.]. */
export const REQUEST_ID = /^[A-Za-z0-9_.]{1,32}-[0-9a-z]+$/

/** What `assertProblem` reads of a response: a `TestResponse` and an `InjectResponse` both fit. */
export interface ProblemResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  json<T = any>(): T
}

/** What `assertProblem` expects; the fields left out are not checked. */
export interface ExpectedProblem {
  status: number
  code?: string
  /** The request path the reply names. */
  instance?: string
}

/**
 * Asserts `res` is a problem+json reply with `status` (and `code`, `instance` when given) carrying every
 * member Vectora promises: type, title, status, detail, instance, code, requestId. Returns the body.
 *
 * @example
 * const res = await app.inject({ url: '/missing' })
 * const body = assertProblem(res, { status: 404, code: 'VEC_ERR_NOT_FOUND' })
 */
export function assertProblem(res: ProblemResponse, expected: ExpectedProblem): Record<string, any> {
  assert.equal(res.status, expected.status)
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json\b/)
  const body = res.json<Record<string, any>>()
  assert.equal(body.status, expected.status)
  if (expected.code !== undefined) assert.equal(body.code, expected.code)
  if (expected.instance !== undefined) assert.equal(body.instance, expected.instance)
  assert.equal(typeof body.type, 'string')
  assert.equal(typeof body.title, 'string')
  assert.equal(typeof body.detail, 'string')
  assert.match(body.requestId, REQUEST_ID)
  return body
}
