import { type, Type } from 'arktype'
const p = type({ id: 'number' })
console.log(p.in === p.in, Object.getOwnPropertyDescriptor(p, 'in'), Object.isFrozen(p))
console.log(typeof (Type as any).prototype.toJsonSchema, Object.hasOwn((Type as any).prototype, 'toJsonSchema'))
console.log(JSON.stringify(type('string').pipe(s => s.length).out.toJsonSchema({ fallback: (c: any) => ({ ...c.base, $comment: c.code }) })))
console.log(JSON.stringify(type('string').pipe(s => s.length, type('number')).out.toJsonSchema()))
const r = type({ 'x-a': 'string', 'a.b': 'string', n: ['string'] })({ n: [1] })
if (r instanceof type.errors) for (const e of r) console.log(e.path, e.propString, e.message)
