import { type, Type } from 'arktype'
const P = type({ id: 'string.integer.parse', n: 'number', i: 'number.integer', b: 'boolean', 'opt?': 'number[]', u: 'number | boolean', lit: '1 | 2' })
console.log(JSON.stringify(P.in.toJsonSchema({ fallback: (ctx: any) => ctx.base })))
const B = type({ name: 'string', tags: 'string[]', nested: { a: 'number' } })
const r = B({ name: 1, tags: ['a', 2], nested: { a: 'x' }, extra: 1 })
if (r instanceof type.errors) {
  for (const e of r) console.log(JSON.stringify({ path: e.path, propString: e.propString, code: e.code, expected: e.expected, actual: e.actual, message: e.message, problem: e.problem, data: e.data }))
  console.log(r.summary)
}
const r2 = type('number')('x')
if (r2 instanceof type.errors) for (const e of r2) console.log(e.path, e.propString, JSON.stringify(e.path), e.expected, e.actual, e.message)
console.log(typeof (type as any).isType, P instanceof Function, (P as any).internal?.kind, Object.keys(P).slice(0,20))
const M = type({ d: 'string.date.parse', x: type('string').pipe(s => s.length) })
try { console.log(JSON.stringify(M.toJsonSchema())) } catch (e) { console.log('throws', (e as Error).message) }
try { console.log(JSON.stringify(M.in.toJsonSchema())) } catch (e) { console.log('in throws', (e as Error).message) }
try { console.log(JSON.stringify(M.out.toJsonSchema())) } catch (e) { console.log('out throws', (e as Error).message) }
console.log(JSON.stringify(M.out.toJsonSchema({ fallback: { default: (c: any) => c.base } })))
console.log(JSON.stringify(type({ d: 'Date' }).toJsonSchema({ fallback: { default: (c: any) => c.base } })))
