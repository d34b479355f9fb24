import { type } from 'arktype'
import { compileContract } from '../kernel/ts/contract.ts'
const c = compileContract({
  params: type({ id: 'number.integer', slug: 'string' }),
  query: type({ 'page?': 'number', 'tags?': 'string[]', 'ids?': 'number[]', 'on?': 'boolean', 'e?': "'a'|'b'" }),
  body: type({ name: 'string', 'tags?': 'string[]' }),
}, 'POST /u/:id/:slug', ['id', 'slug'])
console.log(c.validate({ params: { id: '12', slug: 'x' }, query: { page: '2', tags: 'a', ids: ['1', '2'], on: '1' }, headers: {}, body: { name: 'n' } }))
try { c.validate({ params: { id: 'abc', slug: 'x' }, query: { page: 'x', e: 'c' }, headers: {}, body: { name: 1, tags: [1] } }) } catch (e: any) { console.log(e.status, e.code, e.message); console.log(e.errors) }
console.log(JSON.stringify(c.toJsonSchema(), null, 1))
