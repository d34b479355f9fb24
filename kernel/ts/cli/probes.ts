/**
 * @module cli/probes — the network checks of `vectora doctor`, on node:net alone: is a port free to listen on, does
 * Redis answer PING, does PostgreSQL answer its SSLRequest. Each resolves a result, never rejects.
 */
import { connect, createServer, type Socket } from 'node:net'

/** The outcome of one check: `ok` with what was seen, or not with the cause and the fix. */
export type ProbeResult = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string; readonly fix: string }

/**
 * Tries to listen on `host:port` (then closes at once).
 *
 * @example
 * await probePort('127.0.0.1', 3000) // { ok: true, detail: '127.0.0.1:3000 is free' }
 */
export function probePort(host: string, port: number): Promise<ProbeResult> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => {
      switch (error.code) {
        case 'EADDRINUSE':
          return resolve({
            ok: false,
            detail: `${where} is in use: another process listens on it`,
            fix: 'Stop that process (if it is this app already running, this is expected), or start on another port (PORT=3001).',
          })
        case 'EACCES':
          return resolve({ ok: false, detail: `no permission to listen on ${where}`, fix: 'Ports below 1024 need privileges: use a higher port (PORT=3000).' })
        case 'EADDRNOTAVAIL':
        case 'ENOTFOUND':
          return resolve({
            ok: false,
            detail: `${host} is not an address of this machine`,
            fix: 'Listen on 127.0.0.1 (local), 0.0.0.0 or :: (every interface).',
          })
        default:
          return resolve({ ok: false, detail: `cannot listen on ${where} (${error.code ?? error.message})`, fix: 'Pick another host or port.' })
      }
    })
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ ok: true, detail: `${where} is free` })))
  })
}

/**
 * Connects to a Redis URL (`redis://`, `rediss://`) and sends PING: reachable when any Redis reply comes back
 * (`-NOAUTH` too: the server is there, it wants a password). Over `rediss://` only the TCP connection is checked.
 *
 * @example
 * await probeRedis(new URL('redis://127.0.0.1:6379'), 2_000) // { ok: true, detail: 'answered PONG' }
 */
export async function probeRedis(url: URL, timeout: number): Promise<ProbeResult> {
  const tls = url.protocol === 'rediss:'
  const opened = await open(url.hostname, Number(url.port || 6379), timeout, 'Redis', 'REDIS_URL')
  if (!opened.ok) return opened.result
  const socket = opened.socket
  if (tls) {
    socket.destroy()
    return { ok: true, detail: 'TCP connection accepted (rediss://: TLS and PING not checked)' }
  }
  const reply = await firstBytes(socket, 'PING\r\n', timeout)
  socket.destroy()
  if (reply === undefined) {
    return {
      ok: false,
      detail: `the server accepted the connection but did not answer PING within ${timeout} ms`,
      fix: 'Check that REDIS_URL points at Redis (not another service).',
    }
  }
  const line = reply.toString('latin1').split('\r\n')[0]
  if (line === '+PONG') return { ok: true, detail: 'answered PONG' }
  if (/^-(NOAUTH|WRONGPASS)/.test(line)) return { ok: true, detail: `reachable; it asks for a password (${line.slice(1, 40)})` }
  if (line.startsWith('-') || line.startsWith('+')) return { ok: true, detail: `reachable; PING got ${JSON.stringify(line.slice(0, 60))}` }
  return { ok: false, detail: `something answered that is not Redis (${JSON.stringify(line.slice(0, 40))})`, fix: 'Check the host and port of REDIS_URL.' }
}

/** The PostgreSQL SSLRequest: length 8, code 80877103. The server answers one byte, `S` or `N`, before any authentication. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])

/**
 * Connects to a PostgreSQL URL (`postgres://`, `postgresql://`) and sends an SSLRequest: a PostgreSQL server
 * answers `S` or `N` before asking for credentials, so no password is needed (or sent).
 *
 * @example
 * await probePostgres(new URL('postgres://127.0.0.1:5432/app'), 2_000) // { ok: true, detail: 'PostgreSQL answered (TLS offered)' }
 */
export async function probePostgres(url: URL, timeout: number): Promise<ProbeResult> {
  const opened = await open(url.hostname, Number(url.port || 5432), timeout, 'PostgreSQL', 'DATABASE_URL')
  if (!opened.ok) return opened.result
  const reply = await firstBytes(opened.socket, SSL_REQUEST, timeout)
  opened.socket.destroy()
  if (reply === undefined) {
    return {
      ok: false,
      detail: `the server accepted the connection but did not answer within ${timeout} ms`,
      fix: 'Check that DATABASE_URL points at PostgreSQL.',
    }
  }
  const first = String.fromCharCode(reply[0])
  if (first === 'S') return { ok: true, detail: 'PostgreSQL answered (TLS offered)' }
  if (first === 'N') return { ok: true, detail: 'PostgreSQL answered (no TLS)' }
  return { ok: false, detail: 'something answered that is not PostgreSQL', fix: 'Check the host and port of DATABASE_URL.' }
}

/**
 * A URL as it may be printed: scheme, host, port and path, never the user name or password.
 *
 * @example
 * redactUrl(new URL('redis://user:secret@cache:6380/0')) // 'redis://cache:6380/0'
 */
export function redactUrl(url: URL): string {
  const port = url.port === '' ? '' : `:${url.port}`
  return `${url.protocol}//${url.hostname}${port}${url.pathname === '/' ? '' : url.pathname}`
}

type Opened = { ok: true; socket: Socket } | { ok: false; result: ProbeResult }

function open(host: string, port: number, timeout: number, what: string, variable: string): Promise<Opened> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port })
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({
        ok: false,
        result: {
          ok: false,
          detail: `no connection to ${where} within ${timeout} ms`,
          fix: `Check that ${what} runs there and that no firewall drops the connection.`,
        },
      })
    }, timeout)
    socket.once('connect', () => {
      clearTimeout(timer)
      resolve({ ok: true, socket })
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const fix = `Start ${what}, or set ${variable} to where it runs.`
      const detail =
        error.code === 'ECONNREFUSED'
          ? `nothing listens on ${where} (connection refused)`
          : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
            ? `the host name ${host} does not resolve`
            : `cannot connect to ${where} (${error.code ?? error.message})`
      resolve({ ok: false, result: { ok: false, detail, fix } })
    })
  })
}

/** Writes `request` and resolves the first chunk the server sends back, or undefined (closed, or no answer in time). */
function firstBytes(socket: Socket, request: string | Buffer, timeout: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeout)
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer)
      resolve(chunk)
    })
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(undefined)
    })
    socket.once('error', () => undefined)
    socket.write(request)
  })
}
