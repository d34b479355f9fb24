/** @module test/helpers/problem — asserts the RFC 9457 problem+json shape every error reply shares. */
import assert from 'node:assert/strict'

/** `<prefix>-<base36>`: the prefix is 1-32 of [A-Za-z0-9_.], the counter lower-case base 36. */
export const REQUEST_ID = /^[A-Za-z0-9_.]{1,32}-[0-9a-z]+$/

interface ProblemLike {
  status: number
  headers: Record<string, string>
  json<T = any>(): T
}

/**
 * Asserts `res` is a problem+json reply with `status`, `code` and every RFC 9457 member Vectora promises
 * (type, title, status, detail, instance = the request path, code, requestId). Returns the body.
 */
export function assertProblem(res: ProblemLike, expected: { status: number; code?: string; instance?: string }): Record<string, any> {
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
