import { type, type Type } from 'arktype'
interface RouteSchema { params?: Type; body?: Type; response?: Type }
type Infer<S extends RouteSchema, K extends keyof RouteSchema, F> = K extends keyof S ? (S[K] extends Type ? S[K]['infer'] : F) : F
const s = { params: type({ id: 'string.integer.parse' }), body: type({ name: 'string', 'age?': 'number' }), response: type({ d: 'string.date.parse' }) }
function f<S extends RouteSchema>(x: S): S { return x }
const r = f(s)
type P = Infer<typeof r, 'params', Record<string, string>>
const p: P = { id: 1 }
// @ts-expect-error
const p2: P = { id: '1' }
type Q = Infer<typeof r, 'query', { fallback: true }>
const q: Q = { fallback: true }
type W = Infer<RouteSchema, 'body', 'fb'>
const w: W = 'fb'
const bad: RouteSchema = { body: { a: 1 } as any }
