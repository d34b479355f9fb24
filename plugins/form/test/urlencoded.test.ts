/**
 * @module plugins/form/test/urlencoded — `application/x-www-form-urlencoded` bodies through both transports:
 * URLSearchParams decoding, repeated names as arrays, the field limits, and the 415 of other content types.
 */
import assert from 'node:assert/strict'
import { form, formErrors, readForm } from '@vectora/form'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { URLENCODED, urlencodedRequest } from './support.js'

/** An app whose POST /form answers the fields it read (with `options`). */
function formApp(options: Parameters<typeof readForm>[1] = {}) {
  const app = createTestApp()
  app.register(form)
  app.post('/form', async (req) => {
    const { fields, files } = await readForm(req, options)
    return { fields, files, prototype: Object.getPrototypeOf(fields) === null }
  })
  return app
}

describe('@vectora/form: urlencoded', () => {
  forEachTransport((t) => {
    it('reads fields with URLSearchParams rules: + is a space, escapes are utf-8, a name sent twice is an array', async () => {
      const res = await t.request(formApp(), urlencodedRequest('/form', 'name=Ada+Lovelace&city=Z%C3%BCrich&tag=a&tag=b&tag=c&empty=&flag'))
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), {
        fields: { name: 'Ada Lovelace', city: 'Zürich', tag: ['a', 'b', 'c'], empty: '', flag: '' },
        files: [],
        prototype: true,
      })
    })

    it('keeps a malformed escape as written, decodes invalid utf-8 to U+FFFD, and reads __proto__ as a plain field', async () => {
      const app = createTestApp()
      app.register(form)
      app.post('/form', async (req) => {
        const { fields } = await readForm(req)
        return { keys: Object.keys(fields), proto: fields.__proto__, bad: fields.bad }
      })
      const res = await t.request(app, urlencodedRequest('/form', 'bad=%E0%A4%A&__proto__=x&__proto__=y'))
      assert.deepEqual(res.json(), { keys: ['bad', '__proto__'], proto: ['x', 'y'], bad: '\uFFFD%A' })
    })

    it('reads an empty body as no fields, and accepts a utf-8 charset parameter', async () => {
      const empty = await t.request(formApp(), urlencodedRequest('/form', ''))
      assert.deepEqual(empty.json().fields, {})
      const charset = await t.request(formApp(), {
        method: 'POST',
        url: '/form',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: 'a=%C3%A9',
      })
      assert.deepEqual(charset.json().fields, { a: 'é' })
    })

    it('gives a second readForm of the same request the same result', async () => {
      const app = createTestApp()
      app.register(form)
      app.post('/form', async (req) => {
        const first = readForm(req)
        const second = readForm(req, { fields: 1 })
        return { same: first === second, fields: (await second).fields }
      })
      const res = await t.request(app, urlencodedRequest('/form', 'a=1&b=2'))
      assert.deepEqual(res.json(), { same: true, fields: { a: '1', b: '2' } })
    })

    it('answers 413 FORM_TOO_MANY_FIELDS past `fields`, and accepts exactly `fields`', async () => {
      const ok = await t.request(formApp({ fields: 3 }), urlencodedRequest('/form', 'a=1&b=2&a=3'))
      assert.equal(ok.status, 200)
      const res = await t.request(formApp({ fields: 3 }), urlencodedRequest('/form', 'a=1&b=2&a=3&c=4'))
      const problem = assertProblem(res, { status: 413, code: 'FORM_TOO_MANY_FIELDS', instance: '/form' })
      assert.match(problem.detail as string, /more than 3 fields; send at most 3/)
    })

    it('answers 413 FORM_FIELD_TOO_LARGE for a value past `fieldSize` bytes (decoded, in utf-8), and accepts exactly `fieldSize`', async () => {
      // 'é' is 2 bytes in utf-8: 5 of them are 10 bytes.
      const ok = await t.request(formApp({ fieldSize: 10 }), urlencodedRequest('/form', `a=${'%C3%A9'.repeat(5)}`))
      assert.equal(ok.status, 200)
      const res = await t.request(formApp({ fieldSize: 10 }), urlencodedRequest('/form', `short=1&long=${'%C3%A9'.repeat(5)}x`))
      const problem = assertProblem(res, { status: 413, code: 'FORM_FIELD_TOO_LARGE', instance: '/form' })
      assert.equal(problem.detail, 'The field "long" is larger than 10 bytes.')
    })

    it('takes its limits from the plugin registration, and a call’s own options over them', async () => {
      const app = createTestApp()
      app.register(form, { fields: 1 })
      app.post('/plugin', async (req) => (await readForm(req)).fields)
      app.post('/call', async (req) => (await readForm(req, { fields: 2 })).fields)
      assertProblem(await t.request(app, urlencodedRequest('/plugin', 'a=1&b=2')), { status: 413, code: 'FORM_TOO_MANY_FIELDS' })
      assert.deepEqual((await t.request(app, urlencodedRequest('/call', 'a=1&b=2'))).json(), { a: '1', b: '2' })
    })

    it('reads urlencoded forms without the plugin too, with the default limits', async () => {
      const app = createTestApp()
      app.post('/form', async (req) => (await readForm(req)).fields)
      assert.deepEqual((await t.request(app, urlencodedRequest('/form', 'a=1'))).json(), { a: '1' })
    })

    for (const [label, headers] of [
      ['JSON', { 'content-type': 'application/json' }],
      ['text/plain', { 'content-type': 'text/plain' }],
      ['no content-type', {}],
      ['urlencoded in latin1', { 'content-type': `${URLENCODED}; charset=iso-8859-1` }],
    ] as const) {
      it(`answers 415 VEC_ERR_UNSUPPORTED_MEDIA_TYPE to ${label}`, async () => {
        const res = await t.request(formApp(), { method: 'POST', url: '/form', headers, body: '{"a":1}' })
        const problem = assertProblem(res, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE', instance: '/form' })
        assert.match(problem.detail as string, /^readForm\(\) reads application\/x-www-form-urlencoded or multipart\/form-data \(utf-8\); got /)
      })
    }

    it('logs no error for any of these client mistakes', async () => {
      const app = formApp({ fields: 1 })
      await t.request(app, urlencodedRequest('/form', 'a=1&b=2'))
      await t.request(app, { method: 'POST', url: '/form', headers: { 'content-type': 'text/plain' }, body: 'x' })
      assert.deepEqual(app.logger.errors(), [])
    })
  })

  it('lists a status for every code of its catalogue', () => {
    assert.deepEqual(
      Object.entries(formErrors).map(([code, { status }]) => [code, status]),
      [
        ['FORM_FIELD_TOO_LARGE', 413],
        ['FORM_TOO_MANY_FIELDS', 413],
        ['FORM_FILE_TOO_LARGE', 413],
        ['FORM_TOO_MANY_FILES', 413],
        ['FORM_TOO_MANY_PARTS', 413],
        ['FORM_MALFORMED', 400],
      ],
    )
  })
})
