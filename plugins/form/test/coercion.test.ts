/**
 * @module plugins/form/test/coercion — the coercion of form fields is the core's query coercion
 * (docs/contracts.md#coercion), row by row: each value goes through a core query contract and through
 * `readForm` with the same Type, and through a route whose `schema.body` is that Type (the plugin's body reader),
 * and all three must give the same validated value or the same issues.
 */
import assert from 'node:assert/strict'
import { form, readForm } from '@vectora/form'
import { type } from 'arktype'
import { createTestApp } from 'vectora/testing'
import { URLENCODED } from './support.js'

const Everything = type({
  'n?': 'number',
  'i?': 'number.integer',
  'lit?': '1 | 2',
  'b?': 'boolean',
  'nb?': 'number | boolean',
  'ns?': 'number | string',
  'u?': 'unknown',
  'ints?': 'number[]',
  'strs?': 'string[]',
  'bools?': 'boolean[]',
  'oneOrMany?': 'string | string[]',
  'pair?': ['number', 'number'],
  'parsed?': 'string.integer.parse',
})

const Union = type({ kind: "'a'", 'x?': 'number' }).or({ kind: "'b'", 'x?': 'boolean' })

/** Query strings, one per row of the table (and its edge cases). */
const VALUES = [
  'n=12',
  'n=-1.5e3',
  'n=abc',
  'n=',
  'n=%201',
  'n=.5',
  'n=0x10',
  'n=1_000',
  'n=Infinity',
  'n=NaN',
  'n=1e999',
  'n=%2B1',
  'i=2.5',
  'lit=2',
  'lit=3',
  'b=true',
  'b=1',
  'b=0',
  'b=yes',
  'b=TRUE',
  'nb=1',
  'nb=true',
  'nb=0',
  'ns=12',
  'u=12',
  'ints=7',
  'ints=1&ints=2',
  'ints=1&ints=x',
  'strs=a',
  'strs=a&strs=b',
  'bools=true&bools=0',
  'oneOrMany=a',
  'oneOrMany=a&oneOrMany=b',
  'pair=1&pair=2',
  'n=1&n=2',
  'parsed=42',
  'parsed=4.2',
  'n=1&extra=kept',
]

const UNION_VALUES = ['kind=a&x=1', 'kind=b&x=true', 'kind=b&x=1', 'kind=c']

/** An app answering the validated value (or the issues) of `schema`, as a core query and as a form. */
function parityApp(schema: typeof Everything | typeof Union) {
  const app = createTestApp()
  app.register(form)
  app.get('/query', { schema: { query: schema } }, (req) => ({ ...req.query }))
  app.post('/form', async (req) => ({ ...(await readForm(req, { schema: schema as typeof Everything })).fields }))
  app.post('/contract', { schema: { body: schema as typeof Everything } }, (req) => ({ ...(req.body as object) }))
  return app
}

/** What a reply says: the value, or the issues with `in` left out and the detail's route names neutral. */
async function outcome(app: ReturnType<typeof parityApp>, request: Parameters<typeof app.inject>[0]) {
  const res = await app.inject(request)
  const body = JSON.parse(res.body.toString()) as { errors?: Array<Record<string, unknown>> }
  if (res.status === 200) return { status: 200, value: body }
  return { status: res.status, errors: body.errors?.map(({ in: _in, ...issue }) => issue) }
}

describe('@vectora/form: coercion is the core query coercion', () => {
  for (const [schema, values, label] of [
    [Everything, VALUES, 'keys of every kind'],
    [Union, UNION_VALUES, 'a union of objects'],
  ] as const) {
    it(`gives the core's result for each value of the table (${label})`, async () => {
      const app = parityApp(schema)
      for (const values_ of values) {
        const query = await outcome(app, { url: `/query?${values_}` })
        const fields = await outcome(app, { method: 'POST', url: '/form', headers: { 'content-type': URLENCODED }, body: values_ })
        assert.deepEqual(fields, query, `readForm, for ${values_}`)
        const contract = await outcome(app, { method: 'POST', url: '/contract', headers: { 'content-type': URLENCODED }, body: values_ })
        assert.deepEqual(contract, query, `schema.body, for ${values_}`)
      }
    })
  }

  it('coerces, as the table says (a few rows spelled out)', async () => {
    const app = parityApp(Everything)
    const value = async (body: string) => (await outcome(app, { method: 'POST', url: '/form', headers: { 'content-type': URLENCODED }, body })).value
    assert.deepEqual(await value('n=-1.5e3&b=1&ints=7&strs=a&nb=0&ns=12&parsed=42'), { n: -1500, b: true, ints: [7], strs: ['a'], nb: 0, ns: '12', parsed: 42 })
    assert.deepEqual(await value('oneOrMany=a&u=12'), { oneOrMany: 'a', u: '12' })
  })
})
