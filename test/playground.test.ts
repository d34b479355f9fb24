/**
 * @module test/playground — the playground end to end, over real sockets on 127.0.0.1: sign-up and login (scrypt,
 * JWT), the notes API with its ownership and admin policies, the per-IP and per-user rate limits, CORS for the
 * page's origins, the page and its headers, /docs, /metrics, readiness, JSON logs, and the SQLite file surviving
 * a restart. Each test builds the app as `npm start` does (buildApp), on an in-memory database unless it says
 * otherwise, with the rate limiters' clock frozen so no budget refills during a test.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import type { App } from 'vectora'
import { assertProblem, httpRequest, listen, onCleanup, type TestRequest, type TestResponse, useCleanup } from 'vectora/testing'
import { buildApp } from '../playground/src/app.js'
import { defaultConfig, type PlaygroundConfig } from '../playground/src/config.js'

/** The JSON lines the app logged, parsed. */
type LogLines = Record<string, unknown>[]

interface Playground {
  app: App
  port: number
  logs: LogLines
  request(req: TestRequest): Promise<TestResponse>
  /** Signs `username` up and logs in; resolves the bearer header and the user. */
  signIn(username: string, password?: string): Promise<{ auth: Record<string, string>; user: { id: string; role: string } }>
}

const HIGH = { limit: 10_000, window: 60_000 }
const PAGE_ORIGIN = 'http://localhost:5173'

async function start(overrides: Partial<PlaygroundConfig> = {}): Promise<Playground> {
  const config: PlaygroundConfig = { ...defaultConfig(), database: ':memory:', ipLimit: HIGH, authLimit: HIGH, userLimit: HIGH, ...overrides }
  const logs: LogLines = []
  let pending = ''
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) if (line !== '') logs.push(JSON.parse(line))
      done()
    },
  })
  const app = buildApp(config, { app: { handleSignals: false, handleUncaught: false }, logDestination: destination, clock: () => 1_000_000 })
  const port = await listen(app)
  const request = (req: TestRequest) => httpRequest(port, req)
  const signIn: Playground['signIn'] = async (username, password = `${username}-password`) => {
    const signup = await request({ method: 'POST', url: '/auth/signup', body: { username, password } })
    assert.equal(signup.status, 201, signup.text())
    const login = await request({ method: 'POST', url: '/auth/login', body: { username, password } })
    assert.equal(login.status, 200, login.text())
    const { token, user } = login.json()
    return { auth: { authorization: `Bearer ${token}` }, user }
  }
  return { app, port, logs, request, signIn }
}

describe('playground', () => {
  useCleanup()

  describe('sign-up and login', () => {
    it('signs up with 201 and the public view of the user, never the password hash', async () => {
      const { request } = await start()
      const res = await request({ method: 'POST', url: '/auth/signup', body: { username: 'ada', password: 'correct horse' } })
      assert.equal(res.status, 201)
      const user = res.json()
      assert.deepEqual(Object.keys(user).sort(), ['createdAt', 'id', 'role', 'username'])
      assert.equal(user.username, 'ada')
      assert.equal(user.role, 'user')
      assert.doesNotMatch(res.text(), /scrypt|password/)
    })

    it('refuses a taken username with 409 USERNAME_TAKEN', async () => {
      const { request } = await start()
      const body = { username: 'ada', password: 'correct horse' }
      assert.equal((await request({ method: 'POST', url: '/auth/signup', body })).status, 201)
      const again = await request({ method: 'POST', url: '/auth/signup', body: { ...body, password: 'another one' } })
      assertProblem(again, { status: 409, code: 'USERNAME_TAKEN', instance: '/auth/signup' })
    })

    it('refuses malformed credentials with 400, naming each failing field', async () => {
      const { request } = await start()
      const res = await request({ method: 'POST', url: '/auth/signup', body: { username: 'Ada Lovelace', password: 'short' } })
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
      const paths = (problem.errors as { path: string }[]).map((issue) => issue.path).sort()
      assert.deepEqual(paths, ['password', 'username'])
    })

    it('logs in with a bearer token that /me accepts', async () => {
      const { request, signIn } = await start()
      const { auth, user } = await signIn('ada')
      const me = await request({ url: '/me', headers: auth })
      assert.equal(me.status, 200)
      assert.deepEqual({ id: me.json().id, username: me.json().username }, { id: user.id, username: 'ada' })
    })

    it('answers a wrong password and an unknown username with the same 401 LOGIN_FAILED', async () => {
      const { request, signIn } = await start()
      await signIn('ada')
      const wrong = await request({ method: 'POST', url: '/auth/login', body: { username: 'ada', password: 'not her password' } })
      const unknown = await request({ method: 'POST', url: '/auth/login', body: { username: 'nobody', password: 'not her password' } })
      const a = assertProblem(wrong, { status: 401, code: 'LOGIN_FAILED', instance: '/auth/login' })
      const b = assertProblem(unknown, { status: 401, code: 'LOGIN_FAILED', instance: '/auth/login' })
      assert.equal(a.detail, b.detail)
    })

    it('refuses routes that need a token without one (401 + WWW-Authenticate) and with a forged one', async () => {
      const { request, signIn } = await start()
      const none = await request({ url: '/notes' })
      assertProblem(none, { status: 401, code: 'JWT_MISSING' })
      assert.equal(none.headers['www-authenticate'], 'Bearer')
      const { auth } = await signIn('ada')
      const [header, payload] = auth.authorization!.slice('Bearer '.length).split('.')
      const forged = await request({ url: '/notes', headers: { authorization: `Bearer ${header}.${payload}.${'A'.repeat(43)}` } })
      assertProblem(forged, { status: 401, code: 'JWT_INVALID' })
    })

    it('gives the admin role to the usernames of the admins setting', async () => {
      const { signIn } = await start({ admins: ['root'] })
      assert.equal((await signIn('root')).user.role, 'admin')
      assert.equal((await signIn('ada')).user.role, 'user')
    })
  })

  describe('notes', () => {
    it('creates, lists, reads, replaces and deletes a note', async () => {
      const { request, signIn } = await start()
      const { auth, user } = await signIn('ada')
      const created = await request({ method: 'POST', url: '/notes', headers: auth, body: { title: 'Groceries', body: 'milk' } })
      assert.equal(created.status, 201)
      const note = created.json()
      assert.equal(note.ownerId, user.id)
      assert.deepEqual(
        (await request({ url: '/notes', headers: auth })).json().map((n: { id: number }) => n.id),
        [note.id],
      )
      assert.equal((await request({ url: `/notes/${note.id}`, headers: auth })).json().title, 'Groceries')
      const replaced = await request({ method: 'PUT', url: `/notes/${note.id}`, headers: auth, body: { title: 'Groceries', body: 'milk, eggs' } })
      assert.equal(replaced.status, 200)
      assert.equal(replaced.json().body, 'milk, eggs')
      const removed = await request({ method: 'DELETE', url: `/notes/${note.id}`, headers: auth })
      assert.equal(removed.status, 204)
      assertProblem(await request({ url: `/notes/${note.id}`, headers: auth }), { status: 404, code: 'POLICY_NOT_FOUND' })
      assert.deepEqual((await request({ url: '/notes', headers: auth })).json(), [])
    })

    it('lists only your own notes, newest first, paged by limit and offset', async () => {
      const { request, signIn } = await start()
      const ada = await signIn('ada')
      const bob = await signIn('bob')
      for (const title of ['a1', 'a2', 'a3']) await request({ method: 'POST', url: '/notes', headers: ada.auth, body: { title, body: '' } })
      await request({ method: 'POST', url: '/notes', headers: bob.auth, body: { title: 'b1', body: '' } })
      const titles = async (url: string) => (await request({ url, headers: ada.auth })).json().map((n: { title: string }) => n.title)
      assert.deepEqual(await titles('/notes'), ['a3', 'a2', 'a1'])
      assert.deepEqual(await titles('/notes?limit=1&offset=1'), ['a2'])
      assertProblem(await request({ url: '/notes?limit=0', headers: ada.auth }), { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it("answers someone else's note with 403 for reading, editing and deleting, and a missing one with 404", async () => {
      const { request, signIn } = await start()
      const ada = await signIn('ada')
      const bob = await signIn('bob')
      const note = (await request({ method: 'POST', url: '/notes', headers: ada.auth, body: { title: 'mine', body: 'secret' } })).json()
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await request({ method, url: `/notes/${note.id}`, headers: bob.auth, body: method === 'PUT' ? { title: 'hijacked', body: '' } : undefined })
        assertProblem(res, { status: 403, code: 'VEC_ERR_FORBIDDEN', instance: `/notes/${note.id}` })
        assert.doesNotMatch(res.text(), /secret/)
      }
      assert.equal((await request({ url: `/notes/${note.id}`, headers: ada.auth })).json().title, 'mine')
      assertProblem(await request({ url: '/notes/999', headers: bob.auth }), { status: 404, code: 'POLICY_NOT_FOUND' })
      assertProblem(await request({ url: '/notes/abc', headers: bob.auth }), { status: 400, code: 'NOTE_ID_INVALID' })
      assertProblem(await request({ url: '/notes/0', headers: bob.auth }), { status: 400, code: 'NOTE_ID_INVALID' })
    })

    it('refuses a note with a too-long title with 400, counting characters as JSON Schema does', async () => {
      const { request, signIn } = await start()
      const { auth } = await signIn('ada')
      // 120 emoji are 120 characters (240 UTF-16 units): accepted; 121 are not.
      const ok = await request({ method: 'POST', url: '/notes', headers: auth, body: { title: '😀'.repeat(120), body: '' } })
      assert.equal(ok.status, 201)
      const long = await request({ method: 'POST', url: '/notes', headers: auth, body: { title: '😀'.repeat(121), body: '' } })
      assertProblem(long, { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it("answers 401 USER_GONE for a token whose user no longer exists, and keeps it from someone else's notes", async () => {
      // Same secret, fresh database: the token's user id was never created here.
      const jwtSecret = 'a-secret-shared-by-both-apps-of-this-test'
      const first = await start({ jwtSecret })
      const { auth } = await first.signIn('ada')
      const second = await start({ jwtSecret })
      await second.signIn('ada') // another ada, another id
      assertProblem(await second.request({ url: '/me', headers: auth }), { status: 401, code: 'USER_GONE' })
      assertProblem(await second.request({ method: 'POST', url: '/notes', headers: auth, body: { title: 't', body: '' } }), { status: 401, code: 'USER_GONE' })
      assert.deepEqual((await second.request({ url: '/notes', headers: auth })).json(), [])
    })
  })

  describe('admin', () => {
    it("lets an admin list everyone's notes and the users, read and delete any note, but not edit someone else's", async () => {
      const { request, signIn } = await start({ admins: ['root'] })
      const root = await signIn('root')
      const ada = await signIn('ada')
      const note = (await request({ method: 'POST', url: '/notes', headers: ada.auth, body: { title: 'ada', body: '' } })).json()
      const all = await request({ url: '/admin/notes', headers: root.auth })
      assert.deepEqual(
        all.json().map((n: { id: number }) => n.id),
        [note.id],
      )
      const users = await request({ url: '/admin/users', headers: root.auth })
      assert.deepEqual(
        users.json().map((u: { username: string; role: string }) => `${u.username}:${u.role}`),
        ['root:admin', 'ada:user'],
      )
      assert.equal((await request({ url: `/notes/${note.id}`, headers: root.auth })).status, 200)
      assertProblem(await request({ method: 'PUT', url: `/notes/${note.id}`, headers: root.auth, body: { title: 'x', body: '' } }), {
        status: 403,
        code: 'VEC_ERR_FORBIDDEN',
      })
      assert.equal((await request({ method: 'DELETE', url: `/notes/${note.id}`, headers: root.auth })).status, 204)
    })

    it('refuses the admin routes to a user (403) and to nobody (401)', async () => {
      const { request, signIn } = await start({ admins: ['root'] })
      const ada = await signIn('ada')
      for (const url of ['/admin/notes', '/admin/users']) {
        assertProblem(await request({ url, headers: ada.auth }), { status: 403, code: 'VEC_ERR_FORBIDDEN', instance: url })
        assertProblem(await request({ url }), { status: 401, code: 'JWT_MISSING', instance: url })
      }
    })
  })

  describe('rate limits', () => {
    it('limits sign-up and login per IP: past the auth budget, 429 RATE_LIMITED with Retry-After', async () => {
      const { request } = await start({ authLimit: { limit: 3, window: 60_000 } })
      const body = { username: 'ada', password: 'correct horse' }
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await request({ method: 'POST', url: '/auth/login', body })).status)
      assert.deepEqual(statuses, [401, 401, 401])
      const limited = await request({ method: 'POST', url: '/auth/signup', body })
      assertProblem(limited, { status: 429, code: 'RATE_LIMITED', instance: '/auth/signup' })
      assert.match(limited.headers['retry-after'] ?? '', /^[1-9]\d*$/)
      assert.match(limited.headers.ratelimit ?? '', /^"auth";r=0;t=\d+$/)
      // The rest of the API is not the auth budget.
      assert.equal((await request({ url: '/health/ready' })).status, 200)
      assert.equal((await request({ url: '/openapi.json' })).status, 200)
    })

    it('limits each signed-in user on their own budget', async () => {
      const { request, signIn } = await start({ userLimit: { limit: 2, window: 60_000 } })
      const ada = await signIn('ada')
      const bob = await signIn('bob')
      assert.equal((await request({ url: '/notes', headers: ada.auth })).status, 200)
      assert.equal((await request({ url: '/me', headers: ada.auth })).status, 200)
      const limited = await request({ url: '/notes', headers: ada.auth })
      assertProblem(limited, { status: 429, code: 'RATE_LIMITED' })
      assert.match(limited.headers.ratelimit ?? '', /^"user";r=0;/)
      assert.equal((await request({ url: '/notes', headers: bob.auth })).status, 200)
    })

    it('limits every route per IP, the page and unmatched paths included', async () => {
      const { request } = await start({ ipLimit: { limit: 3, window: 60_000 } })
      assert.equal((await request({ url: '/' })).status, 200)
      assert.equal((await request({ url: '/nowhere' })).status, 404)
      assert.equal((await request({ url: '/openapi.json' })).status, 200)
      const limited = await request({ url: '/' })
      assertProblem(limited, { status: 429, code: 'RATE_LIMITED' })
      assert.match(limited.headers.ratelimit ?? '', /^"ip";r=0;/)
    })
  })

  describe('CORS', () => {
    it('answers a preflight from a loopback page origin before authentication, allowing the bearer header', async () => {
      const { request } = await start()
      const res = await request({
        method: 'OPTIONS',
        url: '/notes',
        headers: { origin: PAGE_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      })
      assert.equal(res.status, 204)
      assert.equal(res.headers['access-control-allow-origin'], PAGE_ORIGIN)
      assert.match(res.headers['access-control-allow-methods'] ?? '', /\bPOST\b/)
      assert.deepEqual(res.headers['access-control-allow-headers']?.split(', ').sort(), ['authorization', 'content-type'])
    })

    it('lets the page read replies and their rate-limit headers, errors included', async () => {
      const { request } = await start()
      const res = await request({ url: '/notes', headers: { origin: PAGE_ORIGIN } })
      assert.equal(res.status, 401)
      assert.equal(res.headers['access-control-allow-origin'], PAGE_ORIGIN)
      assert.match(res.headers['access-control-expose-headers'] ?? '', /ratelimit/)
      assert.match(res.headers.vary ?? '', /Origin/)
    })

    it('gives no CORS header to other origins, and only the listed ones when origins are set', async () => {
      const preflight = (origin: string) => ({
        method: 'OPTIONS',
        url: '/notes',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      })
      const loopback = await start()
      for (const origin of ['https://evil.example', 'http://localhost.evil.example:3000', 'null']) {
        assert.equal((await loopback.request(preflight(origin))).headers['access-control-allow-origin'], undefined, origin)
      }
      const listed = await start({ origins: ['https://notes.example.com'] })
      assert.equal((await listed.request(preflight('https://notes.example.com'))).headers['access-control-allow-origin'], 'https://notes.example.com')
      assert.equal((await listed.request(preflight(PAGE_ORIGIN))).headers['access-control-allow-origin'], undefined)
    })
  })

  describe('page, docs, metrics, readiness, logs', () => {
    it("serves the page with the page preset's headers and the API with the api preset's", async () => {
      const { request } = await start()
      const page = await request({ url: '/' })
      assert.equal(page.status, 200)
      assert.match(page.headers['content-type'] ?? '', /^text\/html/)
      assert.match(page.text(), /<script type="module" src="assets\/app.js">/)
      const csp = page.headers['content-security-policy'] ?? ''
      assert.match(csp, /script-src 'self'/)
      assert.match(csp, /connect-src 'self' http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*/)
      assert.doesNotMatch(csp, /upgrade-insecure-requests|unsafe-inline/)
      assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
      const script = await request({ url: '/assets/app.js' })
      assert.match(script.headers['content-type'] ?? '', /javascript/)
      assert.equal(script.headers['content-security-policy'], csp)
      const api = await request({ url: '/notes' })
      assert.equal(api.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'")
      assert.equal(api.headers['x-frame-options'], 'DENY')
    })

    it('compresses what is worth it, for clients that ask', async () => {
      const { request } = await start()
      const res = await request({ url: '/assets/app.js', headers: { 'accept-encoding': 'gzip' } })
      assert.equal(res.headers['content-encoding'], 'gzip')
      assert.match(gunzipSync(res.body).toString(), /sessionStorage/)
    })

    it('serves /openapi.json with every API route and none of the page, and /docs under its own CSP', async () => {
      const { request } = await start()
      const document = (await request({ url: '/openapi.json' })).json()
      assert.deepEqual(Object.keys(document.paths).sort(), [
        '/admin/notes',
        '/admin/users',
        '/auth/login',
        '/auth/signup',
        '/me',
        '/metrics',
        '/notes',
        '/notes/{id}',
      ])
      assert.deepEqual(document.paths['/notes'].get.security, [{ bearerAuth: [] }])
      assert.ok(document.paths['/notes'].get.responses['429'], 'the rate limit is documented')
      const docs = await request({ url: '/docs' })
      assert.equal(docs.status, 200)
      assert.match(docs.headers['content-security-policy'] ?? '', /^default-src 'none'; script-src 'self'; style-src 'self'/)
    })

    it('serves Prometheus metrics by route pattern, never by raw path', async () => {
      const { request, signIn } = await start()
      const { auth } = await signIn('ada')
      for (const id of [1, 2, 3]) await request({ url: `/notes/${id}`, headers: auth })
      const metrics = await request({ url: '/metrics' })
      assert.equal(metrics.status, 200)
      assert.match(metrics.headers['content-type'] ?? '', /^text\/plain/)
      const series = metrics
        .text()
        .split('\n')
        .filter((line) => line.startsWith('http_server_request_duration_seconds_count') && line.includes('/notes/'))
      assert.deepEqual(series, [
        'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/notes/:id",http_response_status_code="404"} 3',
      ])
      assert.match(metrics.text(), /^vectora_kernel_connections \d+$/m)
    })

    it('answers readiness with the database check', async () => {
      const { request } = await start()
      const ready = await request({ url: '/health/ready' })
      assert.equal(ready.status, 200)
      assert.equal(ready.json().checks.db.status, 'up')
      assert.equal((await request({ url: '/health/live' })).status, 200)
    })

    it('logs one JSON access line per request with its request id, and never a password or a token', async () => {
      const { app, request, logs } = await start()
      const login = await request({ method: 'POST', url: '/auth/login', body: { username: 'ada', password: 'hunter2-hunter2' } })
      await app.close()
      const access = logs.filter((line) => line.message === 'request errored' || line.message === 'request completed')
      const line = access.find((entry) => entry['url.path'] === '/auth/login')
      assert.ok(line, JSON.stringify(logs))
      assert.equal(line.request_id, login.headers['x-request-id'])
      assert.equal(line['http.response.status_code'], 401)
      assert.equal(line.service, 'playground')
      assert.doesNotMatch(JSON.stringify(logs), /hunter2/)
    })
  })

  describe('the SQLite file', () => {
    it('keeps users and notes across a restart on the same file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'playground-'))
      onCleanup(() => rmSync(dir, { recursive: true, force: true }))
      const database = join(dir, 'playground.db')
      const jwtSecret = 'a-secret-kept-across-the-restart-of-this-test'
      const first = await start({ database, jwtSecret })
      const { auth } = await first.signIn('ada')
      await first.request({ method: 'POST', url: '/notes', headers: auth, body: { title: 'kept', body: '' } })
      await first.app.close()
      const second = await start({ database, jwtSecret })
      const login = await second.request({ method: 'POST', url: '/auth/login', body: { username: 'ada', password: 'ada-password' } })
      assert.equal(login.status, 200)
      const notes = await second.request({ url: '/notes', headers: { authorization: `Bearer ${login.json().token}` } })
      assert.deepEqual(
        notes.json().map((n: { title: string }) => n.title),
        ['kept'],
      )
    })
  })
})
