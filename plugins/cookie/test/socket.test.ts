/**
 * @module plugins/cookie/test/socket — what a client reads off the wire: a raw HTTP/1.1 exchange on a real socket, so
 * the Set-Cookie fields are seen exactly as written (one field line each, never folded into one), and a request with
 * two Cookie field lines is read as one list.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { listen, useCleanup } from 'vectora/testing'
import { cookieApp, OLD_SECRET } from './support.js'

/** Sends `request` on a fresh connection and resolves the whole response text (`Connection: close`: the server ends it). */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    let response = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      response += chunk
    })
    socket.on('end', () => resolve(response))
    socket.on('error', reject)
  })
}

/** The field lines of a raw response head, name lower-cased, value as sent. */
function fieldLines(response: string): Array<[string, string]> {
  const head = response.slice(0, response.indexOf('\r\n\r\n'))
  return head
    .split('\r\n')
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
    })
}

describe('@vectora/cookie: on a real socket', () => {
  useCleanup()

  it('writes each cookie as its own Set-Cookie field line, byte for byte', async () => {
    const app = cookieApp({ secret: OLD_SECRET })
    app.get('/login', (req) => {
      req.cookies.setSigned('sid', 'alice', { maxAge: 3600 })
      req.cookies.set('theme', 'dark mode', { httpOnly: false, sameSite: 'strict' })
      req.cookies.clear('legacy')
      return { ok: true }
    })
    const port = await listen(app)
    const response = await exchange(port, 'GET /login HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n')
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/)
    const cookies = fieldLines(response).filter(([name]) => name === 'set-cookie')
    assert.equal(cookies.length, 3)
    assert.match(cookies[0]![1], /^sid=alice\.[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    assert.equal(cookies[1]![1], 'theme=dark%20mode; Path=/; Secure; SameSite=Strict')
    assert.equal(cookies[2]![1], 'legacy=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax')
  })

  it('reads cookies from two Cookie field lines (as HTTP/2 proxies may forward them), the first of a name winning', async () => {
    const app = cookieApp()
    app.get('/', (req) => req.cookies.all())
    const port = await listen(app)
    const response = await exchange(port, 'GET / HTTP/1.1\r\nHost: example.com\r\nCookie: a=1; b=2\r\nCookie: c=3; a=4\r\nConnection: close\r\n\r\n')
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/)
    assert.deepEqual(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)), { a: '1', b: '2', c: '3' })
  })

  it('answers 200, not an error, to a request whose Cookie header is garbage', async () => {
    const app = cookieApp({ secret: OLD_SECRET })
    app.get('/', (req) => ({ all: req.cookies.all(), sid: req.cookies.getSigned('sid') ?? null }))
    const port = await listen(app)
    const response = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nCookie: ;;==;;sid=%%%.;\t=\t; \xff\xfe=\x80\r\nConnection: close\r\n\r\n')
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/)
    const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))
    assert.equal(body.sid, null)
    assert.equal(body.all.sid, '%%%.')
  })
})
