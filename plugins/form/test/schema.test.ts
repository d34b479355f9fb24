/**
 * @module plugins/form/test/schema — `readForm(req, { schema })` through both transports: fields coerced and
 * validated, typed results, failures answered as the core's 400 VEC_ERR_VALIDATION (the same issues the core
 * gives for the same values in a query), files of a refused form removed, and the same outcome as a route's `schema.body` (the plugin's body reader).
 */
import assert from 'node:assert/strict'
import { form, readForm } from '@vectora/form'
import { type } from 'arktype'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { leftIn, multipartRequest, uploadParent, urlencodedRequest } from './support.js'

const Signup = type({ email: 'string.email', age: 'number.integer >= 18', 'newsletter?': 'boolean', 'tags?': 'string[]', 'plan?': "'free' | 'pro'" })

describe('@vectora/form: fields validated by a schema', () => {
  forEachTransport((t) => {
    /** POST /signup reads the form with the Signup schema; GET /signup checks the same values as a core query contract. */
    function signupApp() {
      const app = createTestApp()
      app.register(form)
      app.post('/signup', async (req) => {
        const { fields } = await readForm(req, { schema: Signup })
        // Typed by the schema: these lines do not compile if the types are wrong.
        const age: number = fields.age
        const tags: string[] | undefined = fields.tags
        return { ...fields, age, tags, prototype: Object.getPrototypeOf(fields) === null }
      })
      app.get('/signup', { schema: { query: Signup } }, (req) => req.query)
      return app
    }

    it('coerces the strings as a query is coerced, and gives the typed, validated fields', async () => {
      const res = await t.request(signupApp(), urlencodedRequest('/signup', 'email=ada%40example.com&age=36&newsletter=true&tags=math&plan=pro'))
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), { email: 'ada@example.com', age: 36, newsletter: true, tags: ['math'], plan: 'pro', prototype: true })
    })

    it('answers 400 VEC_ERR_VALIDATION listing every failing field, with the issues the core gives for the same query', async () => {
      const app = signupApp()
      const values = 'email=nope&age=12.5&newsletter=yes&tags=a&tags=b&plan=gold'
      const res = await t.request(app, urlencodedRequest('/signup', values))
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION', instance: '/signup' })
      const errors = problem.errors as Array<{ in: string; path: string; expected: string; actual: string; message: string }>
      assert.deepEqual(
        errors.map((e) => e.path),
        ['age', 'age', 'email', 'newsletter', 'plan'],
      )
      assert.ok(errors.every((e) => e.in === 'body'))
      assert.deepEqual(
        errors.find((e) => e.path === 'plan'),
        {
          in: 'body',
          path: 'plan',
          expected: '"free" or "pro"',
          actual: '"gold"',
          message: 'plan must be "free" or "pro" (was "gold")',
        },
      )
      assert.match(problem.detail as string, /^Invalid request for POST \/signup: body: age must be /)
      assert.match(problem.detail as string, /; and 2 more\.$/)

      // The core's own query contract, on the same values: the same issues, `in: 'query'`.
      const core = assertProblem(await t.request(app, { url: `/signup?${values}` }), { status: 400, code: 'VEC_ERR_VALIDATION' })
      assert.deepEqual(
        errors,
        (core.errors as typeof errors).map((e) => ({ ...e, in: 'body' })),
      )
      assert.equal(problem.detail, (core.detail as string).replace('GET /signup', 'POST /signup').replaceAll('query: ', 'body: '))
    })

    it('validates the fields of a multipart form, leaving its files apart, and removes the files of a refused form', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      const Avatar = type({ user: 'string >= 1', 'crop?': 'number[]' })
      app.post('/avatar', async (req) => {
        const { fields, files } = await readForm(req, { schema: Avatar })
        return { fields, files: files.map((f) => f.field) }
      })
      const ok = await t.request(
        app,
        multipartRequest('/avatar', [
          { name: 'user', value: 'ada' },
          { name: 'image', value: 'PNG...', filename: 'a.png', contentType: 'image/png' },
          { name: 'crop', value: '10' },
          { name: 'crop', value: '20' },
        ]),
      )
      assert.deepEqual(ok.json(), { fields: { user: 'ada', crop: [10, 20] }, files: ['image'] })

      const refused = await t.request(
        app,
        multipartRequest('/avatar', [
          { name: 'image', value: 'PNG...', filename: 'a.png' },
          { name: 'crop', value: 'x' },
        ]),
      )
      const problem = assertProblem(refused, { status: 400, code: 'VEC_ERR_VALIDATION' })
      assert.deepEqual(
        (problem.errors as Array<{ path: string; message: string }>).map((e) => e.message),
        ['user must be a string (was missing)', 'crop[0] must be a number (was "x")'],
      )
      // Removed before the reply: no wait.
      assert.deepEqual(leftIn(parent), [])
    })

    it('lets parsing morphs see the raw strings, and "+": "reject" refuse undeclared fields', async () => {
      const app = createTestApp()
      const Search = type({ '+': 'reject', page: 'string.integer.parse', q: 'string' })
      app.post('/search', async (req) => (await readForm(req, { schema: Search })).fields)
      assert.deepEqual((await t.request(app, urlencodedRequest('/search', 'page=3&q=x'))).json(), { page: 3, q: 'x' })
      const res = await t.request(app, urlencodedRequest('/search', 'page=3&q=x&admin=1'))
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
      assert.deepEqual(
        (problem.errors as Array<{ path: string; expected: string }>).map((e) => [e.path, e.expected]),
        [['admin', 'removed']],
      )
    })

    it('takes any Standard Schema, reporting its own messages and paths', async () => {
      const app = createTestApp()
      const Name = {
        '~standard': {
          version: 1 as const,
          vendor: 'handmade',
          validate: (value: unknown) => {
            const name = (value as Record<string, unknown>).name
            return typeof name === 'string' && name.length > 0
              ? { value: { name: name.toUpperCase() } }
              : { issues: [{ message: 'Give a name.', path: [{ key: 'name' }] }] }
          },
          types: undefined as unknown as { input: unknown; output: { name: string } },
        },
      }
      app.post('/name', async (req) => {
        const { fields } = await readForm(req, { schema: Name })
        const name: string = fields.name
        return { name }
      })
      assert.deepEqual((await t.request(app, urlencodedRequest('/name', 'name=ada'))).json(), { name: 'ADA' })
      const problem = assertProblem(await t.request(app, urlencodedRequest('/name', 'other=1')), { status: 400, code: 'VEC_ERR_VALIDATION' })
      assert.deepEqual(problem.errors, [{ in: 'body', path: 'name', expected: '', actual: '', message: 'name: Give a name.' }])
    })

    it('answers 500 FORM_CONFIG_INVALID, logged, for a schema that is not one', async () => {
      const app = createTestApp()
      app.post('/bad', async (req) => (await readForm(req, { schema: { name: 'string' } as never })).fields)
      assertProblem(await t.request(app, urlencodedRequest('/bad', 'name=x')), { status: 500 })
      const err = app.logger.errors()[0]!.fields.err as Error & { code: string }
      assert.equal(err.code, 'FORM_CONFIG_INVALID')
      assert.match(err.message, /schema is an arktype Type \(or another Standard Schema\): schema: type\(\{ \.\.\. \}\)\./)
    })

    it('gives the same value and the same issues as a route whose schema.body is the same Type', async () => {
      const app = signupApp()
      app.post('/contract', { schema: { body: Signup } }, (req) => ({ ...(req.body as object), prototype: Object.getPrototypeOf(req.body) === null }))
      for (const body of ['email=ada%40example.com&age=36&tags=a&newsletter=true', 'email=nope&age=17&plan=gold']) {
        const read = await t.request(app, urlencodedRequest('/signup', body))
        const contract = await t.request(app, urlencodedRequest('/contract', body))
        assert.equal(contract.status, read.status, body)
        const strip = (json: Record<string, unknown>) => ({ ...json, instance: undefined, detail: undefined, requestId: undefined, request_id: undefined })
        assert.deepEqual(strip(contract.json()), strip(read.json()), body)
      }
    })
  })
})
