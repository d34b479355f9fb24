import { type } from 'arktype'
for (const [T, v] of [[type({ active: 'boolean' }), { active: 'maybe' }], [type({ a: "'x'|'y'" }), { a: 'z' }], [type("'x'|'y'"), 'z']] as const) {
const r = (T as any)(v)
for (const e of r) console.log(JSON.stringify({ exp: e.expected, msg: e.message, prob: e.problem, act: e.actual, code: e.code }))
}
