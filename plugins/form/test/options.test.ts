/**
 * @module plugins/form/test/options — the options of `app.register(form, options)` and `readForm(req, options)`:
 * every mistake refused with FORM_CONFIG_INVALID naming the option, the defaults, and the plugin's two hooks.
 */
import assert from 'node:assert/strict'
import { DEFAULT_LIMITS, FormConfigError, form, readForm } from '@vectora/form'
import { assertProblem, createTestApp } from 'vectora/testing'
import { urlencodedRequest } from './support.js'

/** For assert.throws: the register() error whose cause is a FormConfigError matching `pattern`. */
function configError(pattern: RegExp) {
  return (error: any): boolean => {
    assert.equal(error?.code, 'VEC_ERR_PLUGIN_SETUP_FAILED', error?.message)
    assert.ok(error.cause instanceof FormConfigError, `cause: ${error.cause}`)
    assert.equal(error.cause.code, 'FORM_CONFIG_INVALID')
    assert.match(error.cause.message, pattern)
    return true
  }
}

describe('@vectora/form: options', () => {
  const mistakes: Array<[string, unknown, RegExp]> = [
    ['an unknown option', { maxFileSize: 1 }, /^@vectora\/form: unknown option "maxFileSize" \(known: fieldSize, fields, fileSize, files, parts, tmpDir\)\.$/],
    ['a negative limit', { fileSize: -1 }, /^@vectora\/form: fileSize is a whole number >= 1 \(or Infinity\), got -1\.$/],
    ['a zero limit', { files: 0 }, /files is a whole number >= 1 \(or Infinity\), got 0\./],
    ['a fractional limit', { fields: 1.5 }, /fields is a whole number >= 1 \(or Infinity\), got 1\.5\./],
    ['a limit as a string', { fieldSize: '1mb' }, /fieldSize is a whole number >= 1 \(or Infinity\), got "1mb"\./],
    ['NaN', { parts: Number.NaN }, /parts is a whole number >= 1 \(or Infinity\), got NaN\./],
    ['a relative tmpDir', { tmpDir: 'uploads' }, /tmpDir is an absolute folder path, got "uploads"\./],
    ['options that are not an object', 'big', /options must be an object, got "big"\./],
  ]
  for (const [what, options, pattern] of mistakes) {
    it(`refuses ${what} at register() with FORM_CONFIG_INVALID`, () => {
      const app = createTestApp()
      assert.throws(() => app.register(form, options as never), configError(pattern))
    })
  }

  it('accepts no options, Infinity limits and an absolute tmpDir', async () => {
    const app = createTestApp()
    app.register(form, { fileSize: Number.POSITIVE_INFINITY, fields: 5, tmpDir: '/tmp' })
    app.post('/form', async (req) => (await readForm(req)).fields)
    assert.deepEqual((await app.inject(urlencodedRequest('/form', 'a=1'))).json(), { a: '1' })
    const plain = createTestApp()
    plain.register(form)
    await plain.ready()
  })

  it('has safe defaults', () => {
    assert.deepEqual(DEFAULT_LIMITS, { fieldSize: 1024 * 1024, fields: 1000, fileSize: 10 * 1024 * 1024, files: 10, parts: 1010 })
    assert.ok(Object.isFrozen(DEFAULT_LIMITS))
  })

  it('answers 500, logged with FORM_CONFIG_INVALID, for a mistake in the options of one readForm', async () => {
    const app = createTestApp()
    app.post('/limit', async (req) => (await readForm(req, { files: -2 })).fields)
    app.post('/unknown', async (req) => (await readForm(req, { schemas: 1 } as never)).fields)
    app.post('/on-file', async (req) => (await readForm(req, { onFile: 'disk' as never })).fields)
    for (const [url, pattern] of [
      ['/limit', /files is a whole number >= 1/],
      ['/unknown', /unknown option "schemas" \(known: fieldSize, fields, fileSize, files, parts, tmpDir, schema, onFile\)/],
      ['/on-file', /onFile is a function \(part\) => Promise\./],
    ] as const) {
      assertProblem(await app.inject(urlencodedRequest(url, 'a=1')), { status: 500 })
      const err = app.logger.errors().at(-1)!.fields.err as FormConfigError
      assert.equal(err.code, 'FORM_CONFIG_INVALID')
      assert.match(err.message, pattern)
    }
  })

  it('adds an onRequest and a late onResponse hook to the routes of its scope, and none to a sibling group', async () => {
    const app = createTestApp()
    app.group('/forms', (g) => {
      g.register(form)
      g.post('/contact', async (req) => (await readForm(req)).fields)
    })
    app.group('/api', (g) => g.get('/ping', () => 'pong'))
    await app.ready()
    assert.deepEqual(app.pipeline('POST', '/forms/contact'), [
      { phase: 'onRequest', plugin: '@vectora/form', name: 'attach', stage: 0 },
      { phase: 'onResponse', plugin: '@vectora/form', name: 'removeUploads', stage: 1000 },
    ])
    assert.deepEqual(app.pipeline('GET', '/api/ping'), [])
  })
})
