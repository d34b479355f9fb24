/**
 * @module testing/transport — one behaviour suite, two transports: `app.inject()` and a real socket on 127.0.0.1.
 *
 * h3 runs each test in-process and through a real server; hono runs one router suite against every
 * router. Here `forEachTransport((t) => { ... })` declares the same tests twice, and `t.request(app, req)`
 * answers with the same shape whichever way the request travelled. The socket transport listens on
 * 127.0.0.1:0 and talks node:http (not fetch: tests need raw control of methods, headers and bodies).
 * Every app a transport touches is closed after the test.
 */
import http from 'node:http'
import type { App } from '../index.js'
import { closeAfterTest, onCleanup, useCleanup } from './cleanup.js'
import { describeOf, type TestRunner } from './runner.js'

/** A request as tests write it. An object body is sent as JSON with `content-type: application/json`. */
export interface TestRequest {
  /** Default `GET`. */
  method?: string
  /** Path and query: `/users/7?x=1`. */
  url: string
  headers?: Record<string, string>
  body?: string | Buffer | object
}

/** A response as both transports return it. */
export interface TestResponse {
  readonly status: number
  /** Lower-case names; repeated fields joined with ', '. */
  readonly headers: Record<string, string>
  /** Every field line in order, repeated ones (set-cookie) apart, names as the server wrote them. */
  readonly rawHeaders: ReadonlyArray<readonly [name: string, value: string]>
  readonly body: Buffer
  /** The body decoded as utf-8. */
  text(): string
  /** The body parsed as JSON. */
  json<T = any>(): T
  /** The values of every line of field `name` (any case), in order: `headers` joins repeats, this keeps them apart. */
  headerLines(name: string): string[]
}

/** One way to send a request to an app. */
export interface Transport {
  readonly name: 'inject' | 'socket'
  /** Sends one request to `app` (listening first if this transport needs a socket); the app is closed after the test. */
  request(app: App, req: TestRequest): Promise<TestResponse>
}

/** Serializes a test body the same way for both transports, so both send the very same bytes. */
function encodeBody(req: TestRequest): { headers: Record<string, string>; body: string | Buffer | undefined } {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value
  const { body } = req
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return { headers, body }
  headers['content-type'] ??= 'application/json'
  return { headers, body: JSON.stringify(body) }
}

/** Builds the common response shape. */
function toTestResponse(status: number, headers: Record<string, string>, rawHeaders: ReadonlyArray<readonly [string, string]>, body: Buffer): TestResponse {
  return {
    status,
    headers,
    rawHeaders,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')),
    headerLines: (name) => rawHeaders.filter(([field]) => field.toLowerCase() === name.toLowerCase()).map(([, value]) => value),
  }
}

const injectTransport: Transport = {
  name: 'inject',
  async request(app, req) {
    closeAfterTest(app)
    const { headers, body } = encodeBody(req)
    const res = await app.inject({ method: req.method ?? 'GET', url: req.url, headers, body })
    // Copied, so a test never depends on extra fields of the inject response.
    const copy: Record<string, string> = {}
    for (const [name, value] of Object.entries(res.headers)) copy[name] = Array.isArray(value) ? value.join(', ') : String(value)
    const raw = res.rawHeaders.map(([name, value]) => [name, value] as const)
    return toTestResponse(res.status, copy, raw, Buffer.from(res.body))
  },
}

const ports = new WeakMap<App, Promise<number>>()
const agents = new WeakMap<App, http.Agent>()

/**
 * Listens on 127.0.0.1 with an OS-chosen port, once per app, and resolves the port; the app is closed
 * after the test. For tests that talk to the port themselves (raw sockets, another client).
 *
 * @example
 * const port = await listen(app)
 * const res = await fetch(`http://127.0.0.1:${port}/`)
 */
export function listen(app: App): Promise<number> {
  let port = ports.get(app)
  if (port === undefined) {
    closeAfterTest(app)
    port = app.listen({ host: '127.0.0.1', port: 0 }).then((address) => address.port)
    ports.set(app, port)
  }
  return port
}

/** One keep-alive agent per app, like a real client; destroyed after the test. */
function agentFor(app: App): http.Agent {
  let agent = agents.get(app)
  if (agent === undefined) {
    const created = new http.Agent({ keepAlive: true })
    onCleanup(() => {
      agents.delete(app)
      created.destroy()
    })
    agents.set(app, created)
    agent = created
  }
  return agent
}

const socketTransport: Transport = {
  name: 'socket',
  async request(app, req) {
    const port = await listen(app)
    return httpRequest(port, req, agentFor(app))
  },
}

/**
 * One request with node:http to 127.0.0.1:`port`, the body fully read. Without `agent`, a fresh
 * connection; `onRequest` sees the ClientRequest (e.g. its `reusedSocket`).
 *
 * @example
 * const res = await httpRequest(await listen(app), { method: 'POST', url: '/echo', body: { a: 1 } })
 */
export function httpRequest(port: number, req: TestRequest, agent?: http.Agent | false, onRequest?: (r: http.ClientRequest) => void): Promise<TestResponse> {
  const { headers, body } = encodeBody(req)
  return new Promise((resolve, reject) => {
    const clientRequest = http.request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.url, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        // node:http's own joining (it keeps the first of a repeated content-type, say), as clients see it.
        const flat: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
        }
        const raw: Array<readonly [string, string]> = []
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i], res.rawHeaders[i + 1]])
        resolve(toTestResponse(res.statusCode ?? 0, flat, raw, Buffer.concat(chunks)))
      })
    })
    clientRequest.on('error', reject)
    onRequest?.(clientRequest)
    clientRequest.end(body)
  })
}

/** Both transports: `app.inject()`, then a real socket. */
export const transports: readonly Transport[] = [injectTransport, socketTransport]

/**
 * Declares the tests in `suite` once per transport, each in its own `describe('through <name>')` with
 * the cleanup installed. Uses the global `describe` and `afterEach` (mocha) unless `runner` gives them.
 *
 * @example
 * forEachTransport((t) => {
 *   it('answers a plain object as JSON', async () => {
 *     const app = createApp({ handleSignals: false })
 *     app.get('/', () => ({ hello: 'world' }))
 *     const res = await t.request(app, { url: '/' })
 *     assert.deepEqual(res.json(), { hello: 'world' })
 *   })
 * })
 */
export function forEachTransport(suite: (t: Transport) => void, runner?: TestRunner): void {
  const describe = describeOf(runner)
  for (const t of transports) {
    describe(`through ${t.name}`, () => {
      useCleanup(runner?.afterEach)
      suite(t)
    })
  }
}
