/**
 * @module kernel/test/http/wire-fuzz — a bounded fuzz of the real server over loopback: a few hundred random
 * requests (methods, targets, header bytes, chunked framing, pipelining) from a seeded PRNG, sent raw to
 * 127.0.0.1 and never anywhere else. Every answer must be a well-formed HTTP/1.1 response, parsed here
 * strictly, and the server must still answer GET /ok at the end.
 *
 * Reproduce a failure with its seed: `VECTORA_WIRE_FUZZ_SEED=<seed> npx mocha kernel/test/http/wire-fuzz.test.ts`
 * (`VECTORA_WIRE_FUZZ_SEED=random` picks a fresh one; the test prints the seed it used either way), and add
 * `VECTORA_WIRE_FUZZ_CONNECTION=<n>` to replay only the failing connection n of that seed.
 *
 * When the server may close without answering (decided here, from RFC 9112):
 * - a request we know to be well-formed (valid request line, HTTP/1.1, one valid Host, valid fields, a body
 *   framed correctly and within the limit) and preceded on its connection only by such requests MUST be answered;
 * - after any response the server may close (RFC 9112 §9.6), leaving pipelined requests unanswered, but only when
 *   the response says `connection: close`, is an error (>= 400: the rest of the request may be unread), or answers
 *   a request that asked to close (HTTP/1.0 without keep-alive, `Connection: close`); a request that asks to close
 *   and is followed by more bytes is not owed an answer either (see `leadingWellFormed`);
 * - anything else (a garbled request line, bad field syntax, obs-fold, bad or conflicting framing, a head past
 *   the limit) may get a 4xx or a bare close: RFC 9112 §2.2 says the server SHOULD answer 400, not MUST;
 * - a request we cut short (a body shorter than declared, no last chunk) gets nothing: the server still waits;
 * - a connection the server resets (it closed with our bytes unread, so TCP sent RST) may lose answers we had
 *   not read yet, unless every request on it was well-formed and none asked to close.
 * And for every request: never a 5xx other than 503 — client garbage is a client error.
 */
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { createApp, reply, type App } from 'vectora'

const HOST = '127.0.0.1'
const CONNECTIONS = 240
const PARALLEL = 12
const BODY_LIMIT = 2048
const MAX_HEADER_SIZE = 4096
/** How long to wait for more bytes: while a well-formed request is unanswered, and when only odd ones are. */
const WAIT_OWED_MS = 1500
const WAIT_IDLE_MS = 150
/** No connection lives longer. */
const CONNECTION_CAP_MS = 4000

const SEED = (() => {
  const given = process.env.VECTORA_WIRE_FUZZ_SEED
  if (given === 'random') return (Math.random() * 2 ** 32) >>> 0
  return given === undefined || given === '' ? 0x5eed_2026 : Number(given) >>> 0
})()

/** mulberry32: 32 bits of state, the same requests for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  return {
    int,
    chance: (p: number): boolean => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    bytes: (n: number, from = 0, to = 256): Buffer => Buffer.from(Array.from({ length: n }, () => from + int(to - from))),
    token: (n: number): string => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789-'[int(37)]).join(''),
  }
}
type Rng = ReturnType<typeof prng>

// ----------------------------------------------------------------------------------- requests

interface Sent {
  bytes: Buffer
  method: string
  version: string
  /** The server must answer it (when only well-formed requests came before it on the connection). */
  wellFormed: boolean
  /** It asks the server to close after answering. */
  closes: boolean
  /** For a well-formed request: the status it must get, and the echo it must carry. */
  status?: number
  echoed?: number
  /** What was done to it, for the failure message. */
  notes: string[]
}

const CRLF = '\r\n'
const VALID_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const

function request(rng: Rng, headAllowed: boolean): Sent {
  const notes: string[] = []
  let wellFormed = true
  const odd = (note: string): void => {
    wellFormed = false
    notes.push(note)
  }
  const eol = (): string => (rng.chance(0.03) ? (odd('bare CR'), '\r') : CRLF)

  // Method and target. The expected status is known only for the plain cases.
  let method: string
  let status: number | undefined
  let body: Buffer | undefined
  const r = rng.int(100)
  if (r < 35) {
    method = headAllowed && rng.chance(0.2) ? 'HEAD' : 'GET'
  } else if (r < 60) {
    method = 'POST'
  } else if (r < 75) {
    method = rng.pick(VALID_METHODS.filter((m) => m !== 'HEAD'))
  } else if (r < 82) {
    method = rng.pick(['BREW', 'get', 'M-SEARCH', 'PROPFIND', 'X'.repeat(1 + rng.int(40))])
    notes.push(`method ${method.slice(0, 20)}`)
  } else if (r < 90) {
    method = rng.pick(['', 'G ET', 'GET\x00', '(GET)', 'GE\x7fT', 'ПОСТ', '\tGET', 'GET\r\n'])
    odd(`invalid method ${JSON.stringify(method)}`)
  } else {
    method = 'A'.repeat(2000 + rng.int(8000))
    odd(`method of ${method.length} bytes`)
  }

  let target: string | Buffer
  const t = rng.int(100)
  if (t < 25) {
    target = '/ok'
    if (method === 'GET' || method === 'HEAD') status = 200
  } else if (t < 45) {
    target = '/echo'
  } else if (t < 60) {
    const id = rng.chance(0.5) ? rng.token(1 + rng.int(12)) : `${rng.token(3)}%${rng.int(256).toString(16).padStart(2, '0')}${rng.token(2)}`
    target = `/users/${id}`
    notes.push(`target ${target}`)
  } else if (t < 68) {
    target = `/nope/${rng.token(6)}${rng.chance(0.5) ? `?q=${rng.token(4)}&r=%20` : ''}`
    if (wellFormed && VALID_METHODS.includes(method as (typeof VALID_METHODS)[number])) status = 404
  } else if (t < 78) {
    // Odd but parseable: bad %-escapes, raw high bytes, dot segments, absolute-form, asterisk.
    target = rng.pick([
      `/users/%${rng.pick(['', 'z', 'zz', 'e', '%', 'c3'])}`,
      `/users/${rng.token(2)}%ff%fe`,
      '/../ok',
      '//ok',
      `http://${HOST}/ok`,
      '*',
      `/ok?${'%'.repeat(1 + rng.int(5))}`,
      Buffer.concat([Buffer.from('/users/'), rng.bytes(1 + rng.int(6), 0x80, 0x100)]),
    ])
    notes.push(`odd target ${JSON.stringify(target.toString('latin1'))}`)
    status = undefined
  } else if (t < 88) {
    target = Buffer.concat([Buffer.from('/users/'), rng.bytes(1 + rng.int(8))])
    odd(`target with raw bytes`)
  } else if (t < 94) {
    target = `/users/${'x'.repeat(MAX_HEADER_SIZE / 2 + rng.int(MAX_HEADER_SIZE * 4))}`
    odd(`target of ${target.length} bytes`)
  } else {
    target = rng.pick(['', 'ok', '/ok /ok', '/o\tk', '/\x00'])
    odd(`invalid target ${JSON.stringify(target)}`)
  }

  let version = 'HTTP/1.1'
  let closes = false
  const v = rng.int(100)
  if (v < 5) {
    version = 'HTTP/1.0'
    closes = true
    notes.push('HTTP/1.0')
  } else if (v < 10) {
    version = rng.pick(['HTTP/2.0', 'HTTP/1.1x', 'http/1.1', 'HTTP/9.9', 'HTTP/1', ''])
    odd(`version ${JSON.stringify(version)}`)
  }

  const head: Buffer[] = []
  const line = (text: string | Buffer): void => {
    head.push(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'), Buffer.from(eol(), 'latin1'))
  }
  const targetBytes = typeof target === 'string' ? Buffer.from(target, 'latin1') : target
  const sp = rng.chance(0.03) ? (odd('two spaces in the request line'), '  ') : ' '
  line(Buffer.concat([Buffer.from(method, 'utf8'), Buffer.from(sp), targetBytes, Buffer.from(`${sp}${version}`)]))
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
  if (rng.chance(0.03)) {
    head.unshift(Buffer.from(CRLF))
    notes.push('an empty line first')
  }

  // Host: one valid one, unless mutated.
  const h = rng.int(100)
  if (h < 90) line(`Host: ${HOST}`)
  else if (h < 94) {
    if (version === 'HTTP/1.1') odd('no Host')
  } else if (h < 97) {
    line(`Host: ${HOST}`)
    line('Host: example.com')
    odd('two Host fields')
  } else {
    line(`Host: ${rng.pick(['a b', 'x\x01y', '[::1', 'ex ample', 'ü.example'])}`)
    odd('invalid Host')
  }

  // Other fields, valid or not.
  for (let i = rng.int(5); i > 0; i--) {
    const f = rng.int(100)
    if (f < 60) line(`x-${rng.token(1 + rng.int(10))}: ${rng.token(rng.int(30))}`)
    else if (f < 68) line(Buffer.concat([Buffer.from(`x-obs-text: `), rng.bytes(1 + rng.int(10), 0x80, 0x100)]))
    else if (f < 74) {
      line(Buffer.concat([Buffer.from(`x-ctl: a`), Buffer.from([rng.pick([0x00, 0x01, 0x0b, 0x7f, 0x1b])]), Buffer.from('b')]))
      odd('control byte in a value')
    } else if (f < 78) {
      line('x-fold: first')
      line(' continued')
      odd('obs-fold')
    } else if (f < 82) {
      line(`no-colon-${rng.token(5)}`)
      odd('field without a colon')
    } else if (f < 85) {
      line(rng.pick([': empty-name', 'x-space : v', 'x(paren): v', 'x\x00nul: v']))
      odd('invalid field name')
    } else if (f < 89) {
      line(Buffer.concat([rng.bytes(1 + rng.int(12)), Buffer.from(': '), rng.bytes(rng.int(12))]))
      odd('random field bytes')
    } else if (f < 93) {
      line(`x-big: ${'v'.repeat(MAX_HEADER_SIZE + rng.int(MAX_HEADER_SIZE * 2))}`)
      odd('field past the head limit')
    } else if (f < 96) {
      for (let k = 0; k < 50 + rng.int(200); k++) line(`x-many-${k}: ${k}`)
      odd('many fields')
    } else {
      line('Connection: close')
      closes = true
    }
  }

  // Body framing.
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH' ? rng.chance(0.8) : rng.chance(0.1)
  const tail: Buffer[] = []
  if (withBody) {
    const size = rng.chance(0.1) ? BODY_LIMIT + 1 + rng.int(BODY_LIMIT) : rng.int(BODY_LIMIT / 2)
    body = Buffer.from(rng.token(size))
    const b = rng.int(100)
    if (b < 45) {
      line(`Content-Length: ${body.length}`)
      tail.push(body)
    } else if (b < 70) {
      line(`Transfer-Encoding: ${rng.pick(['chunked', 'chunked', 'Chunked'])}`)
      let at = 0
      while (at < body.length) {
        const n = Math.min(body.length - at, 1 + rng.int(700))
        const ext = rng.chance(0.1) ? ';name=value' : ''
        tail.push(Buffer.from(`${n.toString(16)}${ext}${CRLF}`), body.subarray(at, at + n), Buffer.from(CRLF))
        at += n
      }
      tail.push(Buffer.from(`0${CRLF}${rng.chance(0.1) ? `x-trailer: t${CRLF}` : ''}${CRLF}`))
    } else if (b < 76) {
      line(`Content-Length: ${body.length + 1 + rng.int(50)}`)
      tail.push(body)
      odd('body shorter than its Content-Length (the server waits)')
    } else if (b < 80) {
      line(`Content-Length: ${Math.max(0, body.length - 1 - rng.int(20))}`)
      tail.push(body)
      odd('body longer than its Content-Length (the rest is the next request)')
    } else if (b < 85) {
      line(`Content-Length: ${rng.pick(['abc', '-1', '1, 2', '99999999999999999999', ' ', '0x10', '+5'])}`)
      tail.push(body)
      odd('invalid Content-Length')
    } else if (b < 88) {
      line(`Content-Length: ${body.length}`)
      line(`Content-Length: ${body.length + 1}`)
      tail.push(body)
      odd('two Content-Lengths')
    } else if (b < 92) {
      line(`Content-Length: ${body.length}`)
      line('Transfer-Encoding: chunked')
      tail.push(Buffer.from(`${body.length.toString(16)}${CRLF}`), body, Buffer.from(`${CRLF}0${CRLF}${CRLF}`))
      odd('Content-Length and Transfer-Encoding')
    } else if (b < 95) {
      line(`Transfer-Encoding: ${rng.pick(['gzip', 'chunked, gzip', 'identity', 'chunked;x', 'xchunked'])}`)
      tail.push(body)
      odd('a Transfer-Encoding other than chunked')
    } else {
      line('Transfer-Encoding: chunked')
      const bad = rng.pick(['zz', 'ffffffffffffffffffff', '-1', ' 5', '5 x', '', '1\n'])
      tail.push(Buffer.from(`${bad}${CRLF}`), body.subarray(0, 5), Buffer.from(rng.chance(0.5) ? CRLF : ''))
      if (rng.chance(0.5)) tail.push(Buffer.from(`0${CRLF}${CRLF}`))
      odd(`invalid chunk size ${JSON.stringify(bad)}`)
    }
    if (rng.chance(0.1) && wellFormed) line('Expect: 100-continue')
  }
  head.push(Buffer.from(CRLF))

  if (wellFormed && target === '/echo') {
    if (method === 'POST') status = body === undefined ? 200 : body.length > BODY_LIMIT ? 413 : 200
    else if (VALID_METHODS.includes(method as (typeof VALID_METHODS)[number])) status = 405
  }
  if (wellFormed && target === '/ok' && status === undefined && VALID_METHODS.includes(method as (typeof VALID_METHODS)[number])) status = 405
  // A route that exists reads the body first: past the limit it is 413 whatever the route would answer.
  if (status === 200 && body !== undefined && body.length > BODY_LIMIT) status = 413
  const echoed = wellFormed && status === 200 && target === '/echo' ? (body?.length ?? 0) : undefined
  return { bytes: Buffer.concat([...head, ...tail]), method, version, wellFormed, closes, status: wellFormed ? status : undefined, echoed, notes }
}

/** Complete garbage instead of a request. */
function garbage(rng: Rng): Sent {
  const bytes = rng.pick([
    () => rng.bytes(1 + rng.int(300)),
    () => Buffer.from(`PRI * HTTP/2.0${CRLF}${CRLF}SM${CRLF}${CRLF}`),
    () => Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, ...rng.bytes(40)]),
    () => Buffer.from(`${CRLF.repeat(1 + rng.int(3))}GET /ok HTTP/1.1${CRLF}Host: ${HOST}${CRLF}${CRLF}`),
    () => Buffer.from(`GET /ok HTTP/1.1\nHost: ${HOST}\n\n`),
  ])()
  return { bytes, method: '?', version: '?', wellFormed: false, closes: false, notes: ['garbage'] }
}

// ---------------------------------------------------------------------------------- responses

interface Parsed {
  status: number
  headers: Array<[string, string]>
  body: Buffer
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

class Malformed extends Error {}

/** What the parser needs to know of the request the i-th final response answers. */
interface Answering {
  head: boolean
  /** HTTP/1.0: hyper answers it in kind, which RFC 9110 §6.2 allows (a SHOULD for the highest version). */
  http10: boolean
}

/** The request each final response answers, assuming the server split the requests where they were sent. */
const answering =
  (sent: Sent[]) =>
  (i: number): Answering => ({ head: sent[i]?.method === 'HEAD', http10: sent[i]?.version === 'HTTP/1.0' })

/**
 * Parses the responses in `buf` strictly: the status line (`HTTP/1.1 <3 digits> <reason>`; `HTTP/1.0` only
 * for an HTTP/1.0 request), the fields, then the body by its Content-Length or chunked framing (none for 1xx,
 * 204, 304 and answers to HEAD). Returns the final responses and whether bytes of an unfinished one are left.
 */
function parseResponses(buf: Buffer, of: (i: number) => Answering): { responses: Parsed[]; partial: boolean } {
  const responses: Parsed[] = []
  let at = 0
  while (at < buf.length) {
    const end = buf.indexOf('\r\n\r\n', at, 'latin1')
    if (end === -1) return { responses, partial: true }
    const lines = buf.subarray(at, end).toString('latin1').split('\r\n')
    const statusLine = /^HTTP\/1\.([01]) (\d{3}) ([\t\x20-\x7e\x80-\xff]*)$/.exec(lines[0])
    if (statusLine === null || (statusLine[1] === '0' && !of(responses.length).http10)) {
      throw new Malformed(`bad status line ${JSON.stringify(lines[0].slice(0, 80))}`)
    }
    const status = Number(statusLine[2])
    const headers: Array<[string, string]> = []
    for (const l of lines.slice(1)) {
      const colon = l.indexOf(':')
      if (colon <= 0 || !TOKEN.test(l.slice(0, colon))) throw new Malformed(`bad field line ${JSON.stringify(l.slice(0, 80))}`)
      const value = l.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
      if (!FIELD_VALUE.test(value)) throw new Malformed(`bad field value ${JSON.stringify(l.slice(0, 80))}`)
      headers.push([l.slice(0, colon).toLowerCase(), value])
    }
    at = end + 4
    const all = (name: string): string[] => headers.filter(([n]) => n === name).map(([, v]) => v)
    const lengths = all('content-length')
    const encodings = all('transfer-encoding')
    if (status >= 100 && status < 200) {
      if (status === 101) throw new Malformed('101 without an upgrade request')
      continue
    }
    if (lengths.length > 0 && encodings.length > 0) throw new Malformed('both Content-Length and Transfer-Encoding')
    const head = of(responses.length).head
    const bodiless = status === 204 || status === 304 || head
    let body: Buffer = Buffer.alloc(0)
    if (bodiless) {
      if (encodings.length > 0 && status !== 304 && !head) throw new Malformed(`${status} with Transfer-Encoding`)
    } else if (encodings.length > 0) {
      if (encodings.join(',').toLowerCase().replace(/\s/g, '') !== 'chunked') throw new Malformed(`Transfer-Encoding ${encodings.join(', ')}`)
      const chunks: Buffer[] = []
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', at, 'latin1')
        if (lineEnd === -1) return { responses, partial: true }
        const sizeLine = buf.subarray(at, lineEnd).toString('latin1')
        if (!/^[0-9a-fA-F]{1,8}$/.test(sizeLine)) throw new Malformed(`bad chunk size ${JSON.stringify(sizeLine)}`)
        const size = Number.parseInt(sizeLine, 16)
        at = lineEnd + 2
        if (size === 0) {
          if (buf.length < at + 2) return { responses, partial: true }
          if (buf.toString('latin1', at, at + 2) !== '\r\n') throw new Malformed('trailers or junk after the last chunk')
          at += 2
          break
        }
        if (buf.length < at + size + 2) return { responses, partial: true }
        chunks.push(buf.subarray(at, at + size))
        if (buf.toString('latin1', at + size, at + size + 2) !== '\r\n') throw new Malformed('chunk not ended by CRLF')
        at += size + 2
      }
      body = Buffer.concat(chunks)
    } else if (lengths.length > 0) {
      if (!lengths.every((l) => /^\d{1,15}$/.test(l) && l === lengths[0])) throw new Malformed(`Content-Length ${lengths.join(', ')}`)
      const n = Number(lengths[0])
      if (buf.length < at + n) return { responses, partial: true }
      body = buf.subarray(at, at + n)
      at += n
    } else {
      throw new Malformed(`${status} with neither Content-Length nor chunked framing`)
    }
    responses.push({ status, headers, body })
  }
  return { responses, partial: false }
}

// ------------------------------------------------------------------------------- one exchange

interface Exchange {
  sent: Sent[]
  received: Buffer
  closedByServer: boolean
  /** The server reset the connection (ECONNRESET, or EPIPE on our next write) instead of closing it cleanly. */
  reset: boolean
}

/** Sends `sent` on one connection (in a few writes), reads until it has what it is owed or waiting is pointless. */
function exchange(port: number, sent: Sent[], rng: Rng): Promise<Exchange> {
  const payload = Buffer.concat(sent.map((s) => s.bytes))
  const cuts = [0, ...Array.from({ length: rng.int(3) }, () => rng.int(payload.length)).sort((a, b) => a - b), payload.length]
  const owed = leadingWellFormed(sent)
  return new Promise((resolve) => {
    const received: Buffer[] = []
    let closedByServer = false
    let reset = false
    let done = false
    let idle: NodeJS.Timeout | undefined
    const socket: Socket = connect({ host: HOST, port })
    const finish = (): void => {
      if (done) return
      done = true
      clearTimeout(idle)
      clearTimeout(cap)
      socket.destroy()
      resolve({ sent, received: Buffer.concat(received), closedByServer, reset })
    }
    const cap = setTimeout(finish, CONNECTION_CAP_MS)
    const answered = (): number => {
      try {
        return parseResponses(Buffer.concat(received), answering(sent)).responses.length
      } catch {
        return Number.POSITIVE_INFINITY
      }
    }
    const rearm = (): void => {
      clearTimeout(idle)
      const n = answered()
      if (n >= sent.length) finish()
      else idle = setTimeout(finish, n < owed ? WAIT_OWED_MS : WAIT_IDLE_MS)
    }
    socket.on('connect', () => {
      // Written in pieces, a few ms apart, so the server also meets requests cut mid-line.
      let i = 0
      const write = (): void => {
        if (done || socket.destroyed) return
        socket.write(payload.subarray(cuts[i], cuts[i + 1]))
        i++
        if (i < cuts.length - 1) setTimeout(write, rng.int(3))
        else rearm()
      }
      write()
    })
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      rearm()
    })
    socket.on('end', () => {
      closedByServer = true
      finish()
    })
    socket.on('error', (e: NodeJS.ErrnoException) => {
      closedByServer = true
      reset = e.code === 'ECONNRESET' || e.code === 'EPIPE'
      finish()
    })
  })
}

/**
 * How many requests at the start the server owes an answer: the well-formed ones, up to one that asks to close.
 * That one is owed only when nothing follows it: a client MUST NOT send more after it (RFC 9112 §9.6), and when
 * it does, the server closes with those bytes unread, so its TCP stack resets the connection, and a reset may
 * discard the answer before the client reads it (the lingering-close problem RFC 9112 §9.6 describes).
 */
function leadingWellFormed(sent: Sent[]): number {
  let n = 0
  while (n < sent.length && sent[n].wellFormed) {
    if (sent[n].closes) return n === sent.length - 1 ? n + 1 : n
    n++
  }
  return n
}

function header(res: Parsed, name: string): string | undefined {
  return res.headers.find(([n]) => n === name)?.[1]
}

/** Checks one exchange against the rules in the module comment; returns a failure message or undefined. */
function check(ex: Exchange): string | undefined {
  const owed = leadingWellFormed(ex.sent)
  let parsed: { responses: Parsed[]; partial: boolean }
  try {
    parsed = parseResponses(ex.received, answering(ex.sent))
  } catch (e) {
    return `malformed response: ${(e as Error).message}`
  }
  const { responses, partial } = parsed
  // A server that closes with request bytes still unread makes its TCP stack reset the connection, and a reset can
  // discard answers the client has not read yet (RFC 9112 §9.6, "lingering close"). Unless every request was
  // well-formed and none asked to close (then the server had no reason to close), a reset excuses missing or cut
  // answers; what did arrive must still be well-formed.
  const excused = ex.reset && !ex.sent.every((s) => s.wellFormed && !s.closes)
  if (excused) return undefined
  if (partial) return `an unfinished response (${ex.closedByServer ? 'then the server closed' : 'then nothing more'})`
  if (responses.length > ex.sent.length + 1) return `${responses.length} responses to ${ex.sent.length} requests`
  for (const [i, res] of responses.entries()) {
    if (res.status >= 500 && res.status !== 503) return `response ${i + 1} is ${res.status}`
  }
  for (let i = 0; i < owed; i++) {
    const req = ex.sent[i]
    const res = responses[i]
    if (res === undefined) {
      const before = responses[i - 1]
      const mayClose = before !== undefined && (before.status >= 400 || header(before, 'connection')?.toLowerCase() === 'close' || ex.sent[i - 1].closes)
      if (mayClose) break
      return `well-formed request ${i + 1} got no response (${ex.closedByServer ? 'the server closed' : 'nothing in time'})`
    }
    if (req.status !== undefined && res.status !== req.status) return `request ${i + 1}: ${res.status}, expected ${req.status}`
    if (req.method === 'HEAD' && res.body.length > 0) return `a HEAD answered with a body`
    if (req.echoed !== undefined) {
      const echo = JSON.parse(res.body.toString('utf8')) as { bytes: number }
      if (echo.bytes !== req.echoed) return `request ${i + 1}: the echo counts ${echo.bytes} bytes, sent ${req.echoed}`
    }
    // Past a refused body or a close, the rest of the connection is not owed an answer.
    if (req.closes || header(res, 'connection')?.toLowerCase() === 'close') break
  }
  return undefined
}

// ------------------------------------------------------------------------------------- the test

describe('the server under a bounded wire fuzz (loopback only)', function () {
  this.timeout(40_000)
  let app: App
  let port: number
  const logged: string[] = []

  before(async () => {
    const keep =
      (level: string) =>
      (...args: unknown[]) => {
        logged.push(`${level}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`.slice(0, 300))
      }
    app = createApp({
      handleSignals: false,
      handleUncaught: false,
      bodyLimit: BODY_LIMIT,
      maxHeaderSize: MAX_HEADER_SIZE,
      logger: { error: keep('error'), warn: keep('warn'), info: () => {} },
    })
    app.get('/ok', () => 'ok')
    app.post('/echo', async (req) => {
      const body = await req.buffer()
      return reply.json({ bytes: body.length })
    })
    app.get('/users/:id', (req) => ({ id: req.params.id }))
    app.get('/files/*', () => 'file')
    ;({ port } = await app.listen({ host: HOST, port: 0 }))
  })

  after(async () => {
    await app?.close()
  })

  it(`answers every request well-formed or not at all, and stays up (seed ${SEED})`, async () => {
    const rng = prng(SEED)
    const started = Date.now()
    const plans: Sent[][] = []
    for (let c = 0; c < CONNECTIONS; c++) {
      const plan: Sent[] = []
      for (let k = 1 + (rng.chance(0.3) ? 1 + rng.int(3) : 0); k > 0; k--) {
        plan.push(
          rng.chance(0.06)
            ? garbage(rng)
            : request(
                rng,
                plan.every((s) => s.wellFormed),
              ),
        )
      }
      plans.push(plan)
    }
    const requests = plans.reduce((n, p) => n + p.length, 0)

    const only = process.env.VECTORA_WIRE_FUZZ_CONNECTION
    const chosen = only === undefined || only === '' ? plans.map((_, c) => c) : [Number(only)]
    const results = new Map<number, Exchange>()
    let next = 0
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < chosen.length) {
          const c = chosen[next++]
          results.set(c, await exchange(port, plans[c], prng(SEED ^ (c + 1))))
        }
      }),
    )

    const failures: string[] = []
    const statuses = new Map<string, number>()
    for (const [c, ex] of [...results.entries()].sort(([a], [b]) => a - b)) {
      const failure = check(ex)
      const count = (key: string): void => {
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
      }
      try {
        for (const r of parseResponses(ex.received, answering(ex.sent)).responses) count(String(r.status))
      } catch {
        count('malformed')
      }
      if (ex.reset) count('reset')
      if (ex.received.length === 0) count(ex.closedByServer ? 'closed, no response' : 'no response, left open')
      if (failure !== undefined) {
        failures.push(
          `connection ${c}: ${failure}\n    sent: ${ex.sent.map((s) => `[${s.wellFormed ? 'well-formed' : 'odd'}: ${s.notes.join('; ') || 'plain'}] ${JSON.stringify(s.bytes.toString('latin1').slice(0, 200))}`).join('\n          ')}\n    received: ${JSON.stringify(ex.received.toString('latin1').slice(0, 300))}`,
        )
      }
    }

    // Still up: a fresh connection gets its 200.
    const last = await exchange(
      port,
      [
        {
          bytes: Buffer.from(`GET /ok HTTP/1.1${CRLF}Host: ${HOST}${CRLF}Connection: close${CRLF}${CRLF}`),
          method: 'GET',
          version: 'HTTP/1.1',
          wellFormed: true,
          closes: true,
          status: 200,
          notes: [],
        },
      ],
      prng(SEED),
    )
    const lastFailure = check(last)
    const tally = [...statuses.entries()]
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')
    console.log(`      wire fuzz: seed ${SEED}, ${requests} requests on ${CONNECTIONS} connections, ${Date.now() - started} ms; ${tally}`)
    if (failures.length > 0 && logged.length > 0) console.log(`      the app logged:\n        ${logged.slice(0, 10).join('\n        ')}`)
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failing connections (seed ${SEED})`)
    assert.equal(lastFailure, undefined, `the final GET /ok: ${lastFailure}`)
    assert.equal(parseResponses(last.received, answering(last.sent)).responses[0]?.status, 200)
  })
})
