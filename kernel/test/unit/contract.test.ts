/** @module kernel/test/unit/contract — route contracts: validation of every part, coercion, issues, response checks, JSON Schema. */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { compileContract } from '../../ts/contracts/contract.js'
import { validationError, validationIssues } from '../../ts/contracts/issues.js'
import type { Contract, ContractError, ContractInput, RouteSchema, ValidationIssue } from '../../ts/contracts/types.js'
import { VectoraError } from '../../ts/base/catalogue.js'
import { isHttpError, type HttpError } from '../../ts/http/errors.js'
import { toProblem } from '../../ts/http/problem.js'
import type { Wire } from '../../ts/http/reply.js'

// Types are defined at module load, as routes should (arktype#1303: instantiation is the expensive part).
const UserParams = type({ id: 'number.integer', active: 'boolean' })
const UserBody = type({ name: 'string', 'age?': 'number >= 0', tags: 'string[]', address: { city: 'string' } })
const Page = type({ 'page?': 'number.integer', 'size?': 'number', 'tags?': 'string[]', 'ids?': 'number[]', 'flag?': 'boolean' })

function input(parts: Partial<ContractInput> = {}): ContractInput {
  return { params: {}, query: {}, headers: {}, body: undefined, ...parts }
}

/** Runs `fn`, asserts it throws a contract HttpError with `status` and `code`, and returns it. */
function contractFailure(fn: () => unknown, status = 400, code = 'VEC_ERR_VALIDATION'): ContractError {
  try {
    fn()
  } catch (error) {
    assert.ok(isHttpError(error), `expected an HttpError, got ${String(error)}`)
    assert.equal(error.status, status)
    assert.equal(error.code, code)
    const e = error as ContractError
    assert.ok(Array.isArray(e.errors), 'errors is an array')
    assert.equal(e.extensions?.errors, e.errors, 'errors is also a problem extension member')
    return e
  }
  assert.fail('expected the contract to throw')
}

function issues(fn: () => unknown): ValidationIssue[] {
  return [...contractFailure(fn).errors]
}

function contractInvalid(fn: () => unknown, ...fragments: Array<string | RegExp>): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof VectoraError)
    assert.equal(error.code, 'VEC_ERR_CONTRACT_INVALID')
    for (const fragment of fragments) {
      if (typeof fragment === 'string') assert.ok(error.message.includes(fragment), `"${error.message}" should mention ${fragment}`)
      else assert.match(error.message, fragment)
    }
    return true
  })
}

describe('contracts', () => {
  describe('compileContract', () => {
    it('reports needsBody and offers validateResponse only with a response schema', () => {
      const withBody = compileContract({ body: UserBody }, 'POST /users', [])
      assert.equal(withBody.needsBody, true)
      assert.equal(withBody.validateResponse, undefined)
      const withResponse = compileContract({ response: type({ ok: 'boolean' }) }, 'GET /ok', [])
      assert.equal(withResponse.needsBody, false)
      assert.equal(typeof withResponse.validateResponse, 'function')
      assert.deepEqual(compileContract({}, 'GET /', []).validate(input()), {})
    })

    it('keeps the schema it was given', () => {
      const schema: RouteSchema = { body: UserBody }
      assert.equal(compileContract(schema, 'POST /users', []).schema, schema)
    })

    it('throws VEC_ERR_CONTRACT_INVALID for a value that is not an arktype Type, naming the key and the route', () => {
      const notAType = { name: 'string' } as unknown as RouteSchema['body']
      contractInvalid(() => compileContract({ body: notAType }, 'POST /users', []), 'POST /users', 'schema.body', 'not an arktype Type', 'type({')
      contractInvalid(() => compileContract({ query: ((x: unknown) => x) as unknown as RouteSchema['query'] }, 'GET /q', []), 'schema.query')
      contractInvalid(() => compileContract(null as unknown as RouteSchema, 'GET /q', []), 'must be an object')
    })

    it('throws VEC_ERR_CONTRACT_INVALID for an unknown schema key', () => {
      const schema = { reponse: type('string') } as unknown as RouteSchema
      contractInvalid(() => compileContract(schema, 'GET /x', []), '"reponse"', 'params, query, headers, body, response')
    })

    it('throws VEC_ERR_CONTRACT_INVALID when params declares a name the path does not have, saying which', () => {
      contractInvalid(
        () => compileContract({ params: type({ id: 'string', userId: 'string' }) }, 'GET /users/:id', ['id']),
        'GET /users/:id',
        '"userId"',
        'path params: id',
      )
      // Optional keys count too; a path without params says so.
      contractInvalid(() => compileContract({ params: type({ 'id?': 'string' }) }, 'GET /users', []), '"id"', 'path params: none')
      // Declaring a subset of the path params, or the wildcard, is fine.
      compileContract({ params: type({ id: 'string' }) }, 'GET /users/:id/files/*', ['id', '*'])
      compileContract({ params: type({ '*': 'string' }) }, 'GET /files/*', ['*'])
    })

    it('throws VEC_ERR_CONTRACT_INVALID for params, query or headers that are not objects', () => {
      contractInvalid(() => compileContract({ params: type('string') }, 'GET /x/:a', ['a']), 'schema.params must describe an object')
      contractInvalid(() => compileContract({ query: type('string[]') }, 'GET /x', []), 'schema.query must describe an object')
    })

    it('throws VEC_ERR_CONTRACT_INVALID for upper-case header names (request header names are lower-case)', () => {
      contractInvalid(() => compileContract({ headers: type({ 'X-Api-Key': 'string' }) }, 'GET /x', []), '"X-Api-Key" -> "x-api-key"')
    })
  })

  describe('validate', () => {
    const contract = compileContract(
      {
        params: UserParams,
        query: Page,
        headers: type({ 'x-api-key': 'string >= 8' }),
        body: UserBody,
      },
      'PUT /users/:id/:active',
      ['id', 'active'],
    )

    const good = (): ContractInput =>
      input({
        params: { id: '42', active: 'true' },
        query: { page: '2', tags: 'a' },
        headers: { 'x-api-key': 'secret-key', 'user-agent': 'test' },
        body: { name: 'Ada', tags: ['x'], address: { city: 'London' } },
      })

    it('validates and coerces each part and returns the typed values', () => {
      const out = contract.validate(good())
      assert.deepEqual(out.params, { id: 42, active: true })
      assert.deepEqual({ ...(out.query as object) }, { page: 2, tags: ['a'] })
      assert.deepEqual(out.headers, { 'x-api-key': 'secret-key', 'user-agent': 'test' })
      assert.deepEqual(out.body, { name: 'Ada', tags: ['x'], address: { city: 'London' } })
    })

    it('returns only the parts the schema declares', () => {
      const bodyOnly = compileContract({ body: type({ a: 'number' }) }, 'POST /a', [])
      assert.deepEqual(bodyOnly.validate(input({ params: { x: '1' }, query: { q: '1' }, body: { a: 1 } })), { body: { a: 1 } })
    })

    it('validates params', () => {
      const [issue, ...rest] = issues(() => contract.validate({ ...good(), params: { id: '42', active: 'maybe' } }))
      assert.equal(rest.length, 0)
      assert.deepEqual(issue, {
        in: 'params',
        path: 'active',
        expected: 'boolean',
        actual: '"maybe"',
        message: 'active must be boolean (was "maybe")',
      })
    })

    it('validates query', () => {
      const found = issues(() => contract.validate({ ...good(), query: { page: '1.5' } }))
      assert.deepEqual(found, [{ in: 'query', path: 'page', expected: 'an integer', actual: '1.5', message: 'page must be an integer (was 1.5)' }])
    })

    it('validates headers', () => {
      const found = issues(() => contract.validate({ ...good(), headers: { 'x-api-key': 'short' } }))
      assert.equal(found.length, 1)
      assert.equal(found[0].in, 'headers')
      assert.equal(found[0].path, 'x-api-key')
      assert.equal(found[0].expected, 'at least length 8')
      const missing = issues(() => contract.validate({ ...good(), headers: {} }))
      assert.deepEqual(missing, [
        {
          in: 'headers',
          path: 'x-api-key',
          expected: 'a string',
          actual: 'missing',
          message: 'x-api-key must be a string (was missing)',
        },
      ])
    })

    it('validates the body, with nested paths like a.b[0]', () => {
      const found = issues(() =>
        contract.validate({
          ...good(),
          body: { name: 'Ada', age: -1, tags: ['ok', 3], address: { city: 7 } },
        }),
      )
      assert.deepEqual(found.map((i) => `${i.in}:${i.path}`).sort(), ['body:address.city', 'body:age', 'body:tags[1]'])
      const byPath = Object.fromEntries(found.map((i) => [i.path, i]))
      assert.equal(byPath['tags[1]'].expected, 'a string')
      assert.equal(byPath['tags[1]'].actual, '3')
      assert.equal(byPath.age.expected, 'non-negative')
      assert.equal(byPath.age.actual, '-1')
    })

    it('reports every failing path across all parts at once (two params + one body field = 3 errors)', () => {
      const error = contractFailure(() =>
        contract.validate({
          ...good(),
          params: { id: 'abc', active: 'nope' },
          body: { name: 1, tags: [], address: { city: 'Paris' } },
        }),
      )
      assert.deepEqual(
        error.errors.map((i) => `${i.in}:${i.path}`),
        ['params:active', 'params:id', 'body:name'],
      )
      assert.match(error.message, /^Invalid request for PUT \/users\/:id\/:active: params: active must be boolean/)
      assert.ok(error.message.includes('body: name must be a string (was 1)'), error.message)
      assert.ok(Object.isFrozen(error.errors))
    })

    it('gives the value as `actual` for a non-numeric string where a number is expected', () => {
      const [issue] = issues(() => contract.validate({ ...good(), params: { id: 'abc', active: 'true' } }))
      assert.deepEqual(issue, {
        in: 'params',
        path: 'id',
        expected: 'a number',
        actual: '"abc"',
        message: 'id must be a number (was "abc")',
      })
    })

    it('shortens long values in `actual`', () => {
      const [issue] = issues(() => contract.validate({ ...good(), params: { id: 'x'.repeat(500), active: 'true' } }))
      assert.equal(issue.actual, JSON.stringify('x'.repeat(60) + '…'))
    })

    it('gives the value as `actual` where arktype leaves it empty', () => {
      const c = compileContract({ body: type({ name: 'string >= 1' }) }, 'POST /n', [])
      const [issue] = issues(() => c.validate(input({ body: { name: '' } })))
      assert.deepEqual(issue, { in: 'body', path: 'name', expected: 'non-empty', actual: '""', message: 'name must be non-empty' })
    })

    it('reports a missing or non-object body at path "" with the part named in the message', () => {
      const [missing] = issues(() => contract.validate({ ...good(), body: undefined }))
      assert.deepEqual(missing, {
        in: 'body',
        path: '',
        expected: 'an object',
        actual: 'undefined',
        message: 'body must be an object (was undefined)',
      })
      const [text] = issues(() => contract.validate({ ...good(), body: 'hello' }))
      assert.equal(text.actual, '"hello"')
      assert.equal(text.message, 'body must be an object (was "hello")')
    })

    it('lists the branches of a failed union in `expected`', () => {
      const c = compileContract({ query: type({ sort: "'asc' | 'desc'" }) }, 'GET /list', [])
      const [issue] = issues(() => c.validate(input({ query: { sort: 'up' } })))
      assert.equal(issue.expected, '"asc" or "desc"')
      assert.equal(issue.actual, '"up"')
    })

    it('writes hyphenated keys plainly and quotes other odd keys in paths and messages', () => {
      const c = compileContract(
        {
          headers: type({ 'x-mode': "'fast' | 'safe'" }),
          body: type({ 'a.b': 'string', list: [{ 'first-name': 'string' }] }),
        },
        'POST /odd',
        [],
      )
      const found = issues(() => c.validate(input({ headers: { 'x-mode': 'slow' }, body: { list: [{}] } })))
      const byPath = Object.fromEntries(found.map((i) => [`${i.in}:${i.path}`, i]))
      assert.deepEqual(Object.keys(byPath).sort(), ['body:["a.b"]', 'body:list[0].first-name', 'headers:x-mode'])
      assert.equal(byPath['headers:x-mode'].expected, '"fast" or "safe"')
      assert.equal(byPath['headers:x-mode'].message, 'x-mode must be "fast" or "safe" (was "slow")')
      assert.equal(byPath['body:list[0].first-name'].message, 'list[0].first-name must be a string (was missing)')
      assert.equal(byPath['body:["a.b"]'].message, '["a.b"] must be a string (was missing)')
    })

    it("keeps arktype's sentence as `expected` when the branches of a union failed at different paths", () => {
      const c = compileContract({ body: type({ email: 'string' }).or({ phone: 'string' }) }, 'POST /contact', [])
      const [issue, ...rest] = issues(() => c.validate(input({ body: { name: 'x' } })))
      assert.equal(rest.length, 0)
      assert.equal(issue.path, '')
      assert.match(issue.expected, /email must be a string \(was missing\) or phone must be a string \(was missing\)/)
    })

    it('reports each failed constraint of an intersection as its own issue', () => {
      const c = compileContract({ body: type({ code: '/^x/ & string >= 4' }) }, 'POST /codes', [])
      const found = issues(() => c.validate(input({ body: { code: 'ab' } })))
      assert.deepEqual(found.map((i) => [i.path, i.expected]).sort(), [
        ['code', 'at least length 4'],
        ['code', 'matched by ^x'],
      ])
    })

    it('keeps messages configured on the type', () => {
      const Even = type('number').narrow((n, ctx) => n % 2 === 0 || ctx.mustBe('even'))
      const c = compileContract({ body: type({ n: Even }) }, 'POST /even', [])
      const [issue] = issues(() => c.validate(input({ body: { n: 3 } })))
      assert.equal(issue.expected, 'even')
      assert.equal(issue.message, 'n must be even (was 3)')
    })

    it('does not redo any JSON Schema work per request', () => {
      const params = type({ id: 'number' })
      const c = compileContract({ params }, 'GET /p/:id', ['id'])
      const proto = Object.getPrototypeOf(params) as { toJsonSchema: (...args: unknown[]) => unknown }
      const original = proto.toJsonSchema
      let calls = 0
      proto.toJsonSchema = function (this: unknown, ...args: unknown[]) {
        calls++
        return original.apply(this, args)
      }
      try {
        for (let i = 0; i < 3; i++) assert.deepEqual(c.validate(input({ params: { id: String(i) } })), { params: { id: i } })
        compileContract({ params }, 'GET /p/:id', ['id'])
      } finally {
        proto.toJsonSchema = original
      }
      assert.equal(calls, 1, 'only the compile step computes JSON Schema')
    })
  })

  describe('coercion', () => {
    const where = 'GET /c/:n/:i/:b'
    const c = compileContract(
      {
        params: type({ n: 'number', i: 'number.integer', b: 'boolean' }),
        query: Page,
        headers: type({ 'x-count': 'number', 'x-debug?': 'boolean' }),
      },
      where,
      ['n', 'i', 'b'],
    )
    const base = (): ContractInput => input({ params: { n: '1', i: '1', b: 'true' }, headers: { 'x-count': '1' } })

    it('turns numeric strings into numbers and true/false into booleans in params', () => {
      const out = c.validate(input({ ...base(), params: { n: '-1.5e3', i: '12', b: 'false' } }))
      assert.deepEqual(out.params, { n: -1500, i: 12, b: false })
    })

    it('accepts 1/0 for a boolean that is not also a number', () => {
      assert.deepEqual(c.validate(input({ ...base(), params: { n: '0', i: '0', b: '1' } })).params, { n: 0, i: 0, b: true })
      assert.deepEqual(c.validate(input({ ...base(), params: { n: '0', i: '0', b: '0' } })).params, { n: 0, i: 0, b: false })
      const both = compileContract({ query: type({ v: 'number | boolean' }) }, 'GET /v', [])
      assert.deepEqual({ ...(both.validate(input({ query: { v: '1' } })).query as object) }, { v: 1 })
      assert.deepEqual({ ...(both.validate(input({ query: { v: 'true' } })).query as object) }, { v: true })
    })

    it('is strict: leaves non-numeric strings alone so the error shows what was sent', () => {
      for (const bad of ['', ' ', ' 1', '1 ', '1e', '.5', '5.', '0x10', '1_000', 'Infinity', 'NaN', '1e999', '+1']) {
        const [issue] = issues(() => c.validate(input({ ...base(), params: { n: bad, i: '1', b: 'true' } })))
        assert.equal(issue.path, 'n', bad)
        assert.equal(issue.actual, JSON.stringify(bad), bad)
      }
      for (const bad of ['yes', 'TRUE', 'on', '']) {
        const [issue] = issues(() => c.validate(input({ ...base(), params: { n: '1', i: '1', b: bad } })))
        assert.equal(issue.actual, JSON.stringify(bad), bad)
      }
    })

    it('coerces then validates: a fractional value for an integer is reported as the number', () => {
      const [issue] = issues(() => c.validate(input({ ...base(), params: { n: '1', i: '2.5', b: 'true' } })))
      assert.deepEqual(issue, { in: 'params', path: 'i', expected: 'an integer', actual: '2.5', message: 'i must be an integer (was 2.5)' })
    })

    it('coerces query values and wraps a single value where an array is expected', () => {
      const out = c.validate(input({ ...base(), query: { page: '3', size: '2.5', tags: 'a', ids: '7', flag: 'true' } }))
      assert.deepEqual({ ...(out.query as object) }, { page: 3, size: 2.5, tags: ['a'], ids: [7], flag: true })
    })

    it('coerces each element of a repeated query key', () => {
      const out = c.validate(input({ ...base(), query: { ids: ['1', '2', '3'], tags: ['a', 'b'] } }))
      assert.deepEqual({ ...(out.query as object) }, { ids: [1, 2, 3], tags: ['a', 'b'] })
      const found = issues(() => c.validate(input({ ...base(), query: { ids: ['1', 'x'] } })))
      assert.deepEqual(
        found.map((i) => [i.in, i.path, i.actual]),
        [['query', 'ids[1]', '"x"']],
      )
    })

    it('leaves a repeated key alone where one value is expected', () => {
      const [issue] = issues(() => c.validate(input({ ...base(), query: { page: ['1', '2'] } })))
      assert.equal(issue.path, 'page')
      assert.equal(issue.expected, 'a number')
    })

    it('coerces header values', () => {
      const out = c.validate(input({ ...base(), headers: { 'x-count': '10', 'x-debug': 'true' } }))
      assert.deepEqual(out.headers, { 'x-count': 10, 'x-debug': true })
    })

    it('does not coerce where a string is accepted', () => {
      const loose = compileContract({ query: type({ v: 'string | number', 'w?': 'string | number[]' }) }, 'GET /v', [])
      assert.deepEqual({ ...(loose.validate(input({ query: { v: '12', w: '3' } })).query as object) }, { v: '12', w: '3' })
      assert.deepEqual({ ...(loose.validate(input({ query: { v: 'a', w: ['3'] } })).query as object) }, { v: 'a', w: [3] })
    })

    it('coerces to numeric literals and leaves parsing morphs to arktype', () => {
      const literal = compileContract({ query: type({ v: '1 | 2' }) }, 'GET /v', [])
      assert.deepEqual({ ...(literal.validate(input({ query: { v: '2' } })).query as object) }, { v: 2 })
      const parsed = compileContract({ params: type({ id: 'string.integer.parse' }) }, 'GET /u/:id', ['id'])
      assert.deepEqual(parsed.validate(input({ params: { id: '42' } })).params, { id: 42 })
      const [issue] = issues(() => parsed.validate(input({ params: { id: '4.2' } })))
      assert.equal(issue.expected, 'a well-formed integer string')
      assert.equal(issue.actual, '"4.2"')
    })

    it('never coerces the body', () => {
      const b = compileContract({ body: type({ n: 'number' }) }, 'POST /b', [])
      const [issue] = issues(() => b.validate(input({ body: { n: '1' } })))
      assert.equal(issue.actual, '"1"')
    })

    it('does not mutate the request objects, keeps a null prototype and treats "__proto__" as a plain key', () => {
      const query: Record<string, string | string[]> = Object.create(null)
      query.page = '1'
      query.__proto__ = ['x', 'y']
      const params = { n: '1', i: '2', b: 'true' }
      const out = c.validate(input({ ...base(), params, query }))
      assert.deepEqual(params, { n: '1', i: '2', b: 'true' })
      assert.equal(query.page, '1')
      const q = out.query as Record<string, unknown>
      assert.equal(Object.getPrototypeOf(q), null)
      assert.equal(q.page, 1)
      assert.deepEqual(q.__proto__, ['x', 'y'])
      assert.equal(Object.getPrototypeOf(out.params), Object.prototype)
    })

    it('returns the request object itself when nothing needs coercion', () => {
      const strings = compileContract({ query: type({ 'q?': 'string' }) }, 'GET /s', [])
      const query = { q: 'x' }
      assert.equal(strings.validate(input({ query })).query, query)
    })
  })

  describe('undeclared keys', () => {
    it('keeps extra query keys and path params the schema does not name (arktype default: ignore)', () => {
      const c = compileContract({ params: type({ id: 'number' }), query: type({ 'page?': 'number' }) }, 'GET /a/:id/:rest', ['id', 'rest'])
      const out = c.validate(input({ params: { id: '1', rest: 'x' }, query: { page: '2', utm: 'mail' } }))
      assert.deepEqual(out.params, { id: 1, rest: 'x' })
      assert.deepEqual({ ...(out.query as object) }, { page: 2, utm: 'mail' })
    })

    it('keeps extra body keys by default; "+": "delete" strips them and "+": "reject" reports them', () => {
      const keep = compileContract({ body: type({ a: 'number' }) }, 'POST /k', [])
      assert.deepEqual(keep.validate(input({ body: { a: 1, b: 2 } })).body, { a: 1, b: 2 })
      const strip = compileContract({ body: type({ '+': 'delete', a: 'number' }) }, 'POST /s', [])
      assert.deepEqual(strip.validate(input({ body: { a: 1, b: 2 } })).body, { a: 1 })
      const reject = compileContract({ body: type({ '+': 'reject', a: 'number' }) }, 'POST /r', [])
      const [issue] = issues(() => reject.validate(input({ body: { a: 1, b: 2 } })))
      assert.equal(issue.path, 'b')
      assert.equal(issue.expected, 'removed')
      assert.equal(issue.actual, '2')
      assert.equal(issue.message, 'b must be removed')
    })
  })

  describe('validateResponse', () => {
    const Response = type({ id: 'number', at: 'Date' }).pipe((o) => ({ id: o.id, at: o.at.toISOString() }))

    /** Runs `fn`, asserts it throws the production response error (no issues on the wire), returns it. */
    function productionFailure(fn: () => unknown): HttpError & { cause?: Error & { errors?: ValidationIssue[] } } {
      try {
        fn()
      } catch (error) {
        assert.ok(isHttpError(error), `expected an HttpError, got ${String(error)}`)
        assert.equal(error.status, 500)
        assert.equal(error.code, 'VEC_ERR_RESPONSE_INVALID')
        assert.equal(error.extensions, undefined, 'no issues leave the process in production')
        return error as HttpError & { cause?: Error & { errors?: ValidationIssue[] } }
      }
      assert.fail('expected the response check to throw')
    }

    function responseOf(contract: Contract): (value: unknown) => unknown {
      assert.ok(contract.validateResponse)
      return contract.validateResponse.bind(contract)
    }

    it('returns the validated value, after morphs', () => {
      const check = responseOf(compileContract({ response: Response }, 'GET /r', [], { development: true }))
      assert.deepEqual(check({ id: 1, at: new Date(0) }), { id: 1, at: '1970-01-01T00:00:00.000Z' })
    })

    it('throws 500 VEC_ERR_RESPONSE_INVALID with the issues in development', () => {
      const check = responseOf(compileContract({ response: Response }, 'GET /r', [], { development: true }))
      const error = contractFailure(() => check({ id: '1', at: 'now' }), 500, 'VEC_ERR_RESPONSE_INVALID')
      assert.deepEqual(
        error.errors.map((i) => [i.in, i.path, i.expected]),
        [
          ['response', 'at', 'a Date'],
          ['response', 'id', 'a number'],
        ],
      )
      assert.match(error.message, /^The response of GET \/r does not match its schema: /)
    })

    it('throws 500 VEC_ERR_RESPONSE_INVALID in production too, with the issues only in the cause (never sent as returned)', () => {
      const check = responseOf(compileContract({ response: Response }, 'GET /r', [], { development: false }))
      const error = productionFailure(() => check({ id: 'x' }))
      assert.equal(error.message, 'The handler returned a value that does not match the route response schema.')
      assert.match(String(error.cause?.message), /^The response of GET \/r does not match its schema: /)
      assert.deepEqual(
        error.cause?.errors?.map((i) => i.path),
        ['at', 'id'],
      )
      assert.deepEqual(check({ id: 2, at: new Date(0) }), { id: 2, at: '1970-01-01T00:00:00.000Z' })
    })

    it("strips undeclared keys with '+': 'delete' and refuses a value that breaks the declared ones", () => {
      const Public = type({ id: 'string', name: 'string', '+': 'delete' })
      const check = responseOf(compileContract({ response: Public }, 'GET /u', [], { development: false }))
      assert.deepEqual(check({ id: '1', name: 'a', passwordHash: 'secret-hash' }), { id: '1', name: 'a' })
      productionFailure(() => check({ id: 1, name: 'a', passwordHash: 'secret-hash' }))
    })
  })

  describe('toJsonSchema', () => {
    it('gives the JSON Schema of each declared part, ready to embed (no $schema)', () => {
      const c = compileContract({ params: type({ id: 'number.integer' }), body: type({ name: 'string', 'age?': 'number' }) }, 'PUT /u/:id', ['id'])
      assert.deepEqual(c.toJsonSchema(), {
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        body: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name'] },
      })
    })

    it('never throws on morphs and predicates: approximates and says so in $comment', () => {
      const Body = type({ when: 'string.date.parse', n: type('string').pipe((s) => s.length) })
      const c = compileContract({ body: Body, response: type('string').pipe((s) => s.length) }, 'POST /m', [])
      assert.throws(() => Body.in.toJsonSchema(), 'arktype itself throws here')
      const json = c.toJsonSchema() as { body: { properties: Record<string, Record<string, unknown>> }; response: Record<string, unknown> }
      assert.equal(json.body.properties.when.type, 'string')
      assert.match(String(json.body.properties.when.$comment), /approximated/)
      assert.deepEqual(json.body.properties.n, { type: 'string' })
      assert.deepEqual(Object.keys(json.response), ['$comment'])
      assert.match(String(json.response.$comment), /morph output/)
    })

    it('describes a response Date as a date-time string (what JSON.stringify sends)', () => {
      const c = compileContract({ response: type({ at: 'Date' }) }, 'GET /d', [])
      assert.deepEqual(c.toJsonSchema().response, {
        type: 'object',
        properties: { at: { type: 'string', format: 'date-time' } },
        required: ['at'],
      })
    })

    it('returns a fresh copy each call', () => {
      const c = compileContract({ query: type({ q: 'string' }) }, 'GET /q', [])
      const first = c.toJsonSchema().query as Record<string, unknown>
      first.type = 'mutated'
      assert.equal((c.toJsonSchema().query as Record<string, unknown>).type, 'object')
    })
  })

  describe('problem+json', () => {
    it('carries the issues as the `errors` member of the 400 reply', () => {
      const c = compileContract({ params: type({ id: 'number' }), body: type({ name: 'string' }) }, 'PUT /u/:id', ['id'])
      const error = contractFailure(() => c.validate(input({ params: { id: 'abc' }, body: {} })))
      const wire: Wire = { status: 0, headers: '', body: undefined }
      assert.equal(toProblem(error, { path: '/u/abc', id: 'r-1' }, false, wire), false)
      assert.equal(wire.status, 400)
      const body = JSON.parse(String(wire.body)) as Record<string, unknown>
      assert.equal(body.code, 'VEC_ERR_VALIDATION')
      assert.equal(body.type, 'https://vectora.dev/docs/errors#vec_err_validation')
      assert.deepEqual(body.errors, [
        { in: 'params', path: 'id', expected: 'a number', actual: '"abc"', message: 'id must be a number (was "abc")' },
        { in: 'body', path: 'name', expected: 'a string', actual: 'missing', message: 'name must be a string (was missing)' },
      ])
    })
  })

  it('validationIssues and validationError give a plugin the very error a body contract answers', () => {
    const Body = type({ name: 'string', age: 'number.integer >= 0' })
    const contract = compileContract({ body: Body }, 'POST /people', [])
    const value = { name: 7, age: -1.5 }
    const fromContract = (() => {
      try {
        contract.validate({ params: {}, query: {}, headers: {}, body: value })
      } catch (error) {
        return error as ContractError
      }
      throw new Error('the contract accepted an invalid body')
    })()
    const result = Body['~standard'].validate(value) as { issues: Parameters<typeof validationIssues>[0] }
    const fromPlugin = validationError('POST /people', validationIssues(result.issues, 'body'))
    assert.equal(fromPlugin.status, 400)
    assert.equal(fromPlugin.code, 'VEC_ERR_VALIDATION')
    assert.equal(fromPlugin.message, fromContract.message)
    assert.deepEqual(fromPlugin.errors, fromContract.errors)
    assert.equal(fromPlugin.errors.length, 3) // name; age not an integer, and below 0
  })
})
