/**
 * @module test/helpers/transport — one behaviour suite, two transports: `app.inject()` and a real socket.
 *
 * h3 runs each test in-process and through a real server; hono runs one router suite against every
 * router. Here `forEachTransport((t) => { ... })` declares the same tests twice, and `t.request(app, req)`
 * answers with the same shape whichever way the request travelled. The socket transport listens on
 * 127.0.0.1:0 and talks node:http (not fetch: the tests need raw control of methods, headers and bodies).
 * Every app a transport touches is closed after each test, so mocha exits without --exit.
 */
import http from 'node:http'
import type { App } from 'vectora'
import { closeAfterTest, onCleanup, useCleanup } from './cleanup.js'

export type { App }

/** A request as tests write it. An object body is sent as JSON with `content-type: application/json`. */
export interface TestRequest {
  method?: string
  url: string
  headers?: Record<string, string>
  body?: string | Buffer | object
}

/** A response as both transports return it. */
export interface TestResponse {
  status: number
  /** Lower-case names; repeated fields joined with ', '. */
  headers: Record<string, string>
  body: Buffer
  text(): string
  json<T = any>(): T
}

export interface Transport {
  readonly name: 'inject' | 'socket'
  /** Sends one request to `app` (listening first if this transport needs a socket). */
  request(app: App, req: TestRequest): Promise<TestResponse>
}

/** Serializes a test body the same way for both transports, so both send the very same bytes. */
export function encodeBody(req: TestRequest): { headers: Record<string, string>; body: string | Buffer | undefined } {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value
  const { body } = req
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return { headers, body }
  headers['content-type'] ??= 'application/json'
  return { headers, body: JSON.stringify(body) }
}

/** Builds the common response shape. */
export function toTestResponse(status: number, headers: Record<string, string>, body: Buffer): TestResponse {
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')),
  }
}

const injectTransport: Transport = {
  name: 'inject',
  async request(app, req) {
    closeAfterTest(app)
    const { headers, body } = encodeBody(req)
    const res = await app.inject({ method: req.method ?? 'GET', url: req.url, headers, body })
    // Copy into the contract shape, so a test never depends on extra fields of the inject response.
    const copy: Record<string, string> = {}
    for (const [name, value] of Object.entries(res.headers)) copy[name] = Array.isArray(value) ? value.join(', ') : String(value)
    return toTestResponse(res.status, copy, Buffer.from(res.body))
  },
}

const ports = new WeakMap<App, Promise<number>>()
const agents = new WeakMap<App, http.Agent>()

/**
 * Listens on 127.0.0.1 with an OS-chosen port, once per app; the app is closed after the test.
 * Tests that need raw sockets use this too, then talk to the port with `RawConnection`.
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
    onCleanup(() => created.destroy())
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

/** One request with node:http to 127.0.0.1:`port`, body fully read; `onRequest` sees the ClientRequest (e.g. `reusedSocket`). */
export function httpRequest(port: number, req: TestRequest, agent?: http.Agent | false, onRequest?: (r: http.ClientRequest) => void): Promise<TestResponse> {
  const { headers, body } = encodeBody(req)
  return new Promise((resolve, reject) => {
    const clientRequest = http.request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.url, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const flat: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
        }
        resolve(toTestResponse(res.statusCode ?? 0, flat, Buffer.concat(chunks)))
      })
    })
    clientRequest.on('error', reject)
    onRequest?.(clientRequest)
    clientRequest.end(body)
  })
}

export const transports: readonly Transport[] = [injectTransport, socketTransport]

/**
 * Declares the tests in `suite` once per transport, each in its own `describe('through <name>')`,
 * with the cleanup hook installed.
 *
 * @example
 * forEachTransport((t) => {
 *   it('answers a plain object as JSON', async () => {
 *     const app = createApp()
 *     app.get('/', () => ({ hello: 'world' }))
 *     const res = await t.request(app, { url: '/' })
 *     assert.deepEqual(res.json(), { hello: 'world' })
 *   })
 * })
 */
export function forEachTransport(suite: (t: Transport) => void): void {
  for (const t of transports) {
    describe(`through ${t.name}`, () => {
      useCleanup()
      suite(t)
    })
  }
}
