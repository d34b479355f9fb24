/**
 * @module kernel/test/unit/route — routing/route.ts `compilePath` and the method checks, white-box: path
 * patterns become matchit patterns (params, a last wildcard, literal braces escaped) with the param names
 * in order and a shape that ignores param names; a bad pattern is VEC_ERR_ROUTE_INVALID saying why.
 */
import assert from 'node:assert/strict'
import { VectoraError } from '../../ts/base/catalogue.js'
import { checkMethod, checkRouteMethod, compilePath } from '../../ts/routing/route.js'

/** For assert.throws: VEC_ERR_ROUTE_INVALID with a message matching `pattern`. */
function invalidRoute(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof VectoraError, String(error))
    assert.equal(error.code, 'VEC_ERR_ROUTE_INVALID')
    assert.match(error.message, pattern)
    return true
  }
}

describe('compilePath', () => {
  it('keeps a literal path as it is, the root and a trailing slash included', () => {
    assert.deepEqual(compilePath('/'), { pattern: '/', paramNames: [], shape: '/' })
    assert.deepEqual(compilePath('/users/list'), { pattern: '/users/list', paramNames: [], shape: '/users/list' })
    assert.deepEqual(compilePath('/users/'), { pattern: '/users/', paramNames: [], shape: '/users/' })
  })

  it('turns :name segments into {name}, names in pattern order, the shape without names', () => {
    assert.deepEqual(compilePath('/orgs/:org/users/:user_id'), {
      pattern: '/orgs/{org}/users/{user_id}',
      paramNames: ['org', 'user_id'],
      shape: '/orgs/:/users/:',
    })
    assert.equal(compilePath('/a/:x').shape, compilePath('/a/:y').shape)
  })

  it('turns a last * into {*wildcard} named "*", renaming it past a param called wildcard', () => {
    assert.deepEqual(compilePath('/files/*'), { pattern: '/files/{*wildcard}', paramNames: ['*'], shape: '/files/*' })
    assert.deepEqual(compilePath('/:wildcard/*'), { pattern: '/{wildcard}/{*wildcard_}', paramNames: ['wildcard', '*'], shape: '/:/*' })
  })

  it('escapes literal braces so matchit reads them as text, and keeps a colon inside a segment literal', () => {
    assert.deepEqual(compilePath('/a{b}/c'), { pattern: '/a{{b}}/c', paramNames: [], shape: '/a{{b}}/c' })
    assert.deepEqual(compilePath('/v1:batch'), { pattern: '/v1:batch', paramNames: [], shape: '/v1:batch' })
  })

  it('refuses a path that is not a string starting with "/"', () => {
    assert.throws(() => compilePath('users'), invalidRoute(/Route path "users" is invalid: a path is a string starting with "\/"\./))
    assert.throws(() => compilePath(''), invalidRoute(/a path is a string starting with "\/"/))
    assert.throws(() => compilePath(42), invalidRoute(/Route path number 42 is invalid/))
  })

  it('refuses a query, a fragment, spaces and control characters', () => {
    for (const path of ['/a?b=1', '/a#top', '/a b', '/a\tb', '/a\x00', '/a\x7f']) {
      assert.throws(() => compilePath(path), invalidRoute(/a path has no "\?", "#", spaces or control characters/), JSON.stringify(path))
    }
  })

  it('refuses a param that does not fill its segment or is badly named, and a param named twice', () => {
    for (const path of ['/:', '/:1id', '/:id.json', '/:id-x']) {
      assert.throws(() => compilePath(path), invalidRoute(/must fill its whole segment and be named like \[A-Za-z_\]\[A-Za-z0-9_\]\*/), path)
    }
    assert.throws(() => compilePath('/:id/x/:id'), invalidRoute(/parameter ":id" appears twice/))
  })

  it('refuses a * anywhere but as the whole last segment', () => {
    for (const path of ['/*/x', '/files*', '/a/*b', '/*/*']) {
      assert.throws(() => compilePath(path), invalidRoute(/"\*" is only allowed as the whole last segment/), path)
    }
  })
})

describe('checkMethod and checkRouteMethod', () => {
  it('upper-cases an HTTP token and refuses anything else', () => {
    assert.equal(checkMethod('get'), 'GET')
    assert.equal(checkMethod('PURGE'), 'PURGE')
    for (const bad of ['', 'GE T', 'GET\r\n', 7]) assert.throws(() => checkMethod(bad), invalidRoute(/is not an HTTP token/))
  })

  it('routes only the methods the kernel router knows', () => {
    assert.equal(checkRouteMethod('options'), 'OPTIONS')
    assert.throws(() => checkRouteMethod('PURGE'), invalidRoute(/Method PURGE cannot be routed; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\./))
  })
})
