// Scenario definitions for the bench runner.
//
// A *scenario* is one kind of request; a *case* is a scenario at a given
// connection count (e.g. `hello@100`). Every server answers the same four
// routes of the hook-free fast path, see bench/servers/*.mjs and
// bench/raw-hyper/src/main.rs.
//
// A scenario with `app` is served by another program of each server: the
// `pipeline` scenario needs app-wide hooks, which would put every other
// route (and Vectora's Rust-only 404) through them too, so it runs against
// bench/servers/pipeline/*.mjs instead. A server that has no such program is
// reported as `n/a` for that scenario (see `apps` in lib/servers.mjs).

import { isDeepStrictEqual } from 'node:util'

import { STACK, STACK_TOKEN, signHs256 } from './stack.mjs'

/**
 * A deterministic JSON document whose serialised form is exactly `size`
 * bytes: a few realistic fields plus a padding string.
 */
export function makeJsonBody(size = 1024) {
  const doc = {
    id: 123456,
    name: 'Vectora bench payload',
    active: true,
    ratio: 0.75,
    tags: ['alpha', 'beta', 'gamma', 'delta'],
    owner: { login: 'octo', id: 42, roles: ['admin', 'dev'] },
    items: Array.from({ length: 8 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: 9.5 + i })),
    note: '',
  }
  const base = Buffer.byteLength(JSON.stringify(doc))
  if (base > size) throw new Error(`payload skeleton is already ${base} bytes`)
  doc.note = 'x'.repeat(size - base)
  const text = JSON.stringify(doc)
  if (Buffer.byteLength(text) !== size) throw new Error('payload size mismatch')
  return { doc, text }
}

const echoBody = makeJsonBody(1024)

/** The pipeline scenario's request body, its answer and the header onSend sets. */
export const PIPELINE = {
  body: { name: 'widget', qty: 3 },
  answer: { ok: true, name: 'widget', qty: 3 },
  header: ['x-bench', 'pipeline'],
}

/**
 * The `stack` scenarios' request headers: the origin every server allows and,
 * for `GET /me`, the one HS256 token (lib/stack.mjs). The check also sends a
 * token signed with another secret, which must get a 401.
 */
const stackOrigin = { origin: STACK.origin }
const stackAuth = { ...stackOrigin, authorization: `Bearer ${STACK_TOKEN}` }
const forgedToken = signHs256({ sub: STACK.sub, iat: 1_767_225_600, exp: 4_102_444_800 }, 'not-the-secret-0123456789abcdef-0123456789')

/** Every scenario, in report order. */
export const SCENARIOS = [
  {
    name: 'hello',
    title: 'JSON hello',
    describe: 'GET / -> {"hello":"world"}',
    method: 'GET',
    path: '/',
    expectStatus: 200,
    expectJson: { hello: 'world' },
  },
  {
    name: 'param',
    title: 'path param',
    describe: 'GET /users/:id -> {"id":"<id>"}',
    method: 'GET',
    path: '/users/12345',
    expectStatus: 200,
    expectJson: { id: '12345' },
  },
  {
    name: 'echo',
    title: 'POST 1 KiB JSON',
    describe: 'POST /echo, 1 KiB JSON body parsed and echoed back',
    method: 'POST',
    path: '/echo',
    body: echoBody.text,
    expectStatus: 200,
    expectJson: echoBody.doc,
  },
  {
    name: 'pipeline',
    title: 'hooks + body contract',
    describe: 'POST /pipeline {"name","qty"}: onRequest no-op, body validated, onSend sets x-bench -> {"ok":true,...}',
    app: 'pipeline',
    method: 'POST',
    path: '/pipeline',
    body: JSON.stringify(PIPELINE.body),
    expectStatus: 200,
    expectJson: PIPELINE.answer,
    expectHeaders: { [PIPELINE.header[0]]: PIPELINE.header[1] },
    // The check also sends a body that breaks the contract (qty is not an
    // integer): a server that does not validate is not measured.
    invalidBody: JSON.stringify({ name: 'widget', qty: 1.5 }),
  },
  // `stack`: two routes of one app (bench/servers/stack/*.mjs) with CORS, a
  // rate limit (memory store, never reached) and, on /me, JWT auth. `group`
  // lets `--scenarios stack` select both.
  {
    name: 'stack/public',
    group: 'stack',
    title: 'cors + rate limit',
    describe: 'GET /public with Origin: CORS + rate limit (memory store) -> {"ok":true}',
    app: 'stack',
    method: 'GET',
    path: '/public',
    headers: stackOrigin,
    expectStatus: 200,
    expectJson: { ok: true },
    expectHeaders: { 'access-control-allow-origin': STACK.origin },
  },
  {
    name: 'stack/me',
    group: 'stack',
    title: 'cors + rate limit + JWT',
    describe: 'GET /me with Origin and an HS256 bearer token: CORS + rate limit + JWT verified -> {"sub":...}',
    app: 'stack',
    method: 'GET',
    path: '/me',
    headers: stackAuth,
    expectStatus: 200,
    expectJson: { sub: STACK.sub },
    expectHeaders: { 'access-control-allow-origin': STACK.origin },
    // Requests the check sends too, each with its own headers and status: a
    // server that does not verify the token is not measured.
    alsoExpect: [
      { what: 'no token', headers: stackOrigin, status: 401 },
      { what: 'a token signed with another secret', headers: { ...stackOrigin, authorization: `Bearer ${forgedToken}` }, status: 401 },
    ],
  },
  {
    name: '404',
    title: 'not found',
    describe: 'GET /nope -> 404 (Vectora: answered wholly in Rust)',
    method: 'GET',
    path: '/nope',
    expectStatus: 404,
    // Bodies differ per framework (each keeps its default 404); only the
    // status is checked. Run once, at the highest connection count.
    onlyAtMaxConnections: true,
  },
]

/**
 * Expand scenarios x connection counts into the ordered list of cases.
 * @param {string[]} names  scenario filter (empty = all)
 * @param {number[]} connections
 */
export function buildCases(names, connections) {
  const maxConn = Math.max(...connections)
  const cases = []
  for (const scenario of SCENARIOS) {
    if (names.length && !names.includes(scenario.name) && !names.includes(scenario.group)) continue
    for (const c of connections) {
      if (scenario.onlyAtMaxConnections && c !== maxConn) continue
      cases.push({ id: `${scenario.name}@${c}`, scenario, connections: c })
    }
  }
  return cases
}

/**
 * One request against a running server to check it answers the scenario
 * correctly before it is measured. Returns null when fine, else a reason.
 */
export async function checkScenario(port, scenario) {
  const send = async (body, headers = scenario.headers) => {
    const init = { method: scenario.method, headers: { ...headers } }
    if (body) {
      init.body = body
      init.headers['content-type'] = 'application/json'
    }
    const res = await fetch(`http://127.0.0.1:${port}${scenario.path}`, {
      ...init,
      signal: AbortSignal.timeout(5000),
    })
    return { res, text: await res.text() }
  }
  let res
  let text
  let invalid
  const also = []
  try {
    ;({ res, text } = await send(scenario.body))
    if (scenario.invalidBody) invalid = await send(scenario.invalidBody)
    for (const extra of scenario.alsoExpect ?? []) also.push({ extra, ...(await send(scenario.body, extra.headers)) })
  } catch (err) {
    return `request failed: ${err.cause?.message ?? err.message}`
  }
  if (res.status !== scenario.expectStatus) {
    return `expected status ${scenario.expectStatus}, got ${res.status}: ${text.slice(0, 120)}`
  }
  for (const [name, value] of Object.entries(scenario.expectHeaders ?? {})) {
    if (res.headers.get(name) !== value) {
      return `expected header ${name}: ${value}, got ${res.headers.get(name) ?? 'none'}`
    }
  }
  if (invalid && invalid.res.status !== 400) {
    return `a body breaking the contract (${scenario.invalidBody}) got ${invalid.res.status}, not 400: ${invalid.text.slice(0, 120)}`
  }
  for (const { extra, res: r, text: t } of also) {
    if (r.status !== extra.status) return `with ${extra.what}: expected status ${extra.status}, got ${r.status}: ${t.slice(0, 120)}`
  }
  if (scenario.expectJson !== undefined) {
    let got
    try {
      got = JSON.parse(text)
    } catch {
      return `response is not JSON: ${text.slice(0, 120)}`
    }
    if (!isDeepStrictEqual(got, scenario.expectJson)) {
      return `unexpected body: ${text.slice(0, 120)}`
    }
  }
  return null
}
