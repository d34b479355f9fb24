import { type } from 'arktype'
import { compileContract } from '../kernel/ts/contract.ts'
import { toProblem } from '../kernel/ts/problem.ts'
const c = compileContract({
  params: type({ id: 'number.integer' }),
  query: type({ 'notify?': 'boolean' }),
  body: type({ name: 'string >= 1', email: 'string.email', 'tags?': 'string[]' }),
}, 'PUT /users/:id', ['id'])
try { c.validate({ params: { id: 'abc' }, query: { notify: 'yes' }, headers: {}, body: { name: '', email: 'not-an-email', tags: ['a', 2] } }) } catch (e) {
  const wire: any = {}
  toProblem(e, { path: '/users/abc', id: 'vq3k-1f' }, false, wire)
  console.log(JSON.stringify(JSON.parse(wire.body), null, 2))
}
console.log(JSON.stringify(c.toJsonSchema(), null, 2))
