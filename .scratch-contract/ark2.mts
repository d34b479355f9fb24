import { type, Type, ArkErrors } from 'arktype'
const t = type({ a: 'number' })
console.log('instanceof Type', t instanceof (Type as any), typeof t)
console.log('std', (t as any)['~standard']?.vendor)
const cases: [any, any][] = [
  [type({ a: 'number' }), {}],
  [type({ a: 'number >= 18' }), { a: 5 }],
  [type({ a: 'string.email' }), { a: 'x' }],
  [type({ a: '(string > 3) & /^x/' }), { a: 'ab' }],
  [type({ a: 'number | boolean' }), { a: 'ab' }],
  [type({ a: "'x' | 'y'" }), { a: 'ab' }],
  [type({ a: 'string[]' }), { a: 'ab' }],
  [type({ a: 'number' }), 'str'],
  [type({ a: 'number', '+': 'reject' }), { a: 1, b: 2 }],
  [type({ a: 'string.integer.parse' }), { a: 'x1' }],
  [type({ a: 'string.date.parse' }), { a: 'x1' }],
  [type({ a: 'number.integer' }), { a: 1.5 }],
  [type({ a: 'string >= 3' }), { a: 'ab' }],
]
for (const [T, v] of cases) {
  const r = T(v)
  if (r instanceof type.errors) for (const e of r) console.log(JSON.stringify({ p: e.propString, code: e.code, expected: e.expected, actual: e.actual, message: e.message, n: (e as any).errors?.length }))
  else console.log('ok', r)
}
// mutation check
const D = type({ a: 'string.integer.parse', '+': 'delete' })
const inp = { a: '12', b: 1 }
console.log(D(inp), inp)
const s = type({ d: 'string.date.parse' })
console.log(JSON.stringify(s.in.toJsonSchema({ fallback: { default: (c: any) => c.base } })))
console.log(JSON.stringify(type('string').pipe(s => s.length).in.toJsonSchema()))
try { console.log(JSON.stringify(type({a:'bigint'}).in.toJsonSchema())) } catch (e) { console.log('bigint throws', String(e).slice(0,80)) }
console.log(JSON.stringify(type({a:'bigint'}).in.toJsonSchema({ fallback: { default: (c: any) => c.base } })))
console.log(JSON.stringify(type({a:'bigint'}).in.toJsonSchema({ fallback: (c: any) => c.base })))
