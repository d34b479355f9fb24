/**
 * @module kernel/test/support/raw — what only a raw socket can show: chunked bodies sent by hand, slow or huge
 * heads, pipelined requests on one connection, many connections, a client that vanishes.
 */
import net from 'node:net'
import { onCleanup } from 'vectora/testing'

/** A response read off a raw connection. */
export interface RawResponse {
  status: number
  /** Lower-case names; repeated fields joined with ', '. */
  headers: Record<string, string>
  body: Buffer
  text(): string
  json<T = any>(): T
}

/**
 * One TCP connection to 127.0.0.1:`port` that writes bytes as given and parses responses as they come.
 * Destroyed after the test.
 *
 * @example
 * const conn = await RawConnection.open(port)
 * conn.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
 * const res = await conn.response()
 */
export class RawConnection {
  readonly socket: net.Socket
  /** Resolves when the socket closes (by either side). */
  readonly closed: Promise<void>
  #buffer = Buffer.alloc(0)
  #ended = false
  #error: Error | undefined
  #wake: (() => void) | undefined

  private constructor(socket: net.Socket) {
    this.socket = socket
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk])
      this.#notify()
    })
    socket.on('end', () => {
      this.#ended = true
      this.#notify()
    })
    socket.on('close', () => {
      this.#ended = true
      this.#notify()
    })
    // A reset after the server answered is expected in several tests (413 before the body ended):
    // keep the error for a reader who still waits, never let it crash the process.
    socket.on('error', (error) => {
      this.#error = error
      this.#notify()
    })
  }

  /** Connects; rejects with the connect error (e.g. ECONNREFUSED). */
  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        const conn = new RawConnection(socket)
        onCleanup(() => conn.destroy())
        resolve(conn)
      })
    })
  }

  write(data: string | Buffer): void {
    this.socket.write(data)
  }

  destroy(): void {
    this.socket.destroy()
  }

  /** True once the peer closed its side or the socket is gone. */
  get ended(): boolean {
    return this.#ended
  }

  /**
   * Resolves with the next complete response. `head: true` for a response to HEAD (no body follows
   * whatever content-length says). Rejects if the connection ends first.
   */
  async response(options: { head?: boolean } = {}): Promise<RawResponse> {
    for (;;) {
      const parsed = parseResponse(this.#buffer, options.head === true, this.#ended)
      if (parsed !== undefined) {
        this.#buffer = this.#buffer.subarray(parsed.consumed)
        return parsed.response
      }
      if (this.#ended || this.#error !== undefined) {
        const why = this.#error?.message ?? 'the connection closed'
        throw new Error(`no complete response: ${why} (received ${JSON.stringify(this.#buffer.toString('latin1').slice(0, 200))})`)
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  /** Bytes received and not yet parsed into a response. */
  get pending(): Buffer {
    return this.#buffer
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}

/** Opens a connection, writes `data`, reads one response and closes the connection. */
export async function rawExchange(port: number, data: string | Buffer, options: { head?: boolean } = {}): Promise<RawResponse> {
  const conn = await RawConnection.open(port)
  try {
    conn.write(data)
    return await conn.response(options)
  } finally {
    conn.destroy()
  }
}

/** Parses one HTTP/1.1 response from the start of `buf`, or undefined when it is not complete yet. */
function parseResponse(buf: Buffer, head: boolean, ended: boolean): { response: RawResponse; consumed: number } | undefined {
  const end = buf.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(lines[0].split(' ')[1])
  const headers: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  let offset = end + 4
  let body: Buffer
  const noBody = head || status === 204 || status === 304 || (status >= 100 && status < 200)
  if (noBody) {
    body = Buffer.alloc(0)
  } else if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = []
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', offset)
      if (lineEnd === -1) return undefined
      const size = parseInt(buf.subarray(offset, lineEnd).toString('latin1'), 16)
      if (buf.length < lineEnd + 2 + size + 2) return undefined
      if (size === 0) {
        offset = lineEnd + 4
        break
      }
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size))
      offset = lineEnd + 2 + size + 2
    }
    body = Buffer.concat(parts)
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length'])
    if (buf.length < offset + length) return undefined
    body = buf.subarray(offset, offset + length)
    offset += length
  } else {
    // Close-delimited body.
    if (!ended) return undefined
    body = buf.subarray(offset)
    offset = buf.length
  }
  const copy = Buffer.from(body)
  return {
    consumed: offset,
    response: {
      status,
      headers,
      body: copy,
      text: () => copy.toString('utf8'),
      json: () => JSON.parse(copy.toString('utf8')),
    },
  }
}

/** A promise with its resolve exposed: the usual way to hold a handler until the test lets it go. */
export interface Deferred<T = void> {
  promise: Promise<T>
  resolve(value: T): void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** Resolves when `signal` aborts (at once if it already has), with the abort reason. */
export function abortedEvent(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason)
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }))
}

/**
 * A counter of handler entries with a way to await the n-th: tests wait for "the handler is running"
 * instead of sleeping.
 */
export class Arrivals {
  #count = 0
  #waiters: Array<{ n: number; resolve: () => void }> = []

  get count(): number {
    return this.#count
  }

  arrive(): void {
    this.#count++
    this.#waiters = this.#waiters.filter((w) => {
      if (w.n <= this.#count) w.resolve()
      return w.n > this.#count
    })
  }

  /** Resolves once `n` arrivals happened. */
  reach(n: number): Promise<void> {
    if (this.#count >= n) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ n, resolve }))
  }
}

/**
 * Retries `attempt` until it resolves to true, waiting `intervalMs` between tries; fails after `tries`.
 * For state that changes asynchronously inside the kernel (a listener being dropped), never for speed.
 */
export async function eventually(attempt: () => Promise<boolean>, { tries = 100, intervalMs = 10 } = {}): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await attempt()) return
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`condition not met after ${tries} tries`)
}

/** Resolves with the error code of a connect attempt to 127.0.0.1:`port`, or 'connected'. */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}
