/**
 * @module test/support — what the policy suites share: the same tests through `app.inject()` and a real socket
 * on 127.0.0.1 (like the core's forEachTransport, using only the public API), a recording logger, a
 * stand-in authentication plugin that sets `req.auth = { subject, claims }` from a bearer token table, and a
 * notes service.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import { createApp, definePlugin, HttpError, type App, type Logger, type VectoraRequest } from 'vectora'

export interface TestResponse {
  status: number
  headers: Record<string, string>
  text: string
  json<T = any>(): T
}

export interface TestRequest {
  method?: string
  url: string
  headers?: Record<string, string>
  body?: object
}

export interface Transport {
  readonly name: 'inject' | 'socket'
  request(app: App, req: TestRequest): Promise<TestResponse>
}

const opened = new Set<App>()
const ports = new WeakMap<App, Promise<number>>()

const inject: Transport = {
  name: 'inject',
  async request(app, req) {
    opened.add(app)
    const body = req.body === undefined ? undefined : JSON.stringify(req.body)
    const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers }
    const res = await app.inject({ method: req.method ?? 'GET', url: req.url, headers, body })
    const text = res.body.toString('utf8')
    return { status: res.status, headers: { ...res.headers }, text, json: () => JSON.parse(text) }
  },
}

const socket: Transport = {
  name: 'socket',
  async request(app, req) {
    opened.add(app)
    let port = ports.get(app)
    if (port === undefined) {
      port = app.listen({ host: '127.0.0.1', port: 0 }).then((a) => a.port)
      ports.set(app, port)
    }
    const body = req.body === undefined ? undefined : JSON.stringify(req.body)
    const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers }
    const p = await port
    return new Promise((resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port: p, method: req.method ?? 'GET', path: req.url, headers, agent: false }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const flat: Record<string, string> = {}
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: flat, text, json: () => JSON.parse(text) })
        })
      })
      r.on('error', reject)
      r.end(body)
    })
  },
}

/** Closes every app a test used (mocha runs without --exit). */
async function closeAll(): Promise<void> {
  const apps = [...opened]
  opened.clear()
  await Promise.all(apps.map((app) => app.close({ deadline: 100 }).catch(() => {})))
}

/** Declares `suite` once per transport, each in `describe('through <name>')`, closing apps after each test. */
export function forEachTransport(suite: (t: Transport) => void): void {
  for (const t of [inject, socket]) {
    describe(`through ${t.name}`, () => {
      afterEach(closeAll)
      suite(t)
    })
  }
}

/** For suites that do not send requests but may create apps. */
export function useCleanup(): void {
  afterEach(closeAll)
}

export interface LogLine {
  level: string
  msg: string
  fields: Record<string, any>
}

/** A logger that records its lines; `withDebug` adds a `debug` method (the default logger has none). */
export function recordingLogger(withDebug = false): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, any> = {}) =>
      void lines.push({ level, msg, fields })
  const logger = { lines, error: at('error'), warn: at('warn'), info: at('info') }
  return withDebug ? Object.assign(logger, { debug: at('debug') }) : logger
}

/** A quiet test app (signals off, production errors, recorded logs). */
export function testApp(logger: Logger = recordingLogger()): App {
  const app = createApp({ handleSignals: false, development: false, logger })
  opened.add(app)
  return app
}

/** A test app with the app's default logger (JSON lines on stdout and stderr), for what users see by default. */
export function defaultLoggerApp(): App {
  const app = createApp({ handleSignals: false, development: false })
  opened.add(app)
  return app
}

/** The shape @vectora/jwt gives `req.auth` (docs/plugins.md). */
export interface Auth {
  subject: string
  claims: Record<string, unknown>
}

/** `req.auth` without augmenting RequestDecorations (the jwt plugin owns that declaration). */
export function authOf(req: VectoraRequest<any>): Auth | undefined {
  return (req as { auth?: Auth }).auth
}

/**
 * A stand-in for a JWT plugin: `authorization: Bearer <token>` looked up in `tokens` sets
 * `req.auth = { subject, claims }`; no header leaves req.auth undefined; an unknown token is 401.
 */
export const fakeAuth = definePlugin({
  name: 'test-auth',
  version: '0.0.0',
  setup(app, options: { tokens: Record<string, Auth> }) {
    app.decorateRequest('auth')
    app.addHook('authenticate', function onAuthenticate(req) {
      const header = req.header('authorization')
      if (header === undefined) return undefined
      const auth = options.tokens[header.replace(/^Bearer /, '')]
      if (auth === undefined) throw new HttpError(401, 'Unknown token.', { code: 'TEST_TOKEN_INVALID' })
      ;(req as { auth?: Auth }).auth = auth
      return undefined
    })
  },
})

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

export interface Note {
  id: string
  ownerId: string
  title: string
  status: 'draft' | 'published'
}

/** The notes service the loaders resolve through DI. */
export class NoteStore {
  readonly #notes = new Map<string, Note>()
  lookups = 0

  constructor(notes: readonly Note[]) {
    for (const n of notes) this.#notes.set(n.id, { ...n })
  }

  async find(id: string): Promise<Note | undefined> {
    this.lookups++
    return this.#notes.get(id)
  }

  update(id: string, patch: Partial<Note>): Note {
    const note = { ...this.#notes.get(id)!, ...patch, id }
    this.#notes.set(id, note)
    return note
  }
}

/** Loads the note of `req.params.id` through the request's service scope. */
export const loadNote = (req: VectoraRequest<any>): Promise<Note | undefined> => req.services.resolve<NoteStore>('notes').find(req.params.id)

/** Asserts a problem+json reply with `status` and `code`; returns the body. */
export function assertProblem(res: TestResponse, status: number, code?: string): Record<string, any> {
  assert.equal(res.status, status, res.text)
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json\b/)
  const body = res.json<Record<string, any>>()
  assert.equal(body.status, status)
  if (code !== undefined) assert.equal(body.code, code)
  return body
}
