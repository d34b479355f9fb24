/**
 * @module key — who a request counts against: its IP (per the app's trustProxy), an API key, the
 * authenticated subject, or a function; always falling back to the IP, never to one shared bucket.
 *
 * Keys other than IPs are stored as SHA-256 digests: API keys and subjects never reach Redis or a heap
 * dump in clear, and a client cannot grow the store with long values.
 */
import { createHash } from 'node:crypto'
import { isIPv6 } from 'node:net'
import type { VectoraRequest } from 'vectora'

/** What identifies a client: a built-in strategy or a function (undefined or '' falls back to the IP). */
export type KeyStrategy = 'ip' | 'api-key' | 'subject' | ((req: VectoraRequest<any>) => string | undefined | Promise<string | undefined>)

/** Derives a request's bucket key (without the policy name). */
export type KeyOf = (req: VectoraRequest<any>) => string | Promise<string>

/**
 * Builds the key function of a registration. `header` names the API-key header; `ipv6Prefix` groups IPv6
 * clients by network (a single host usually owns a whole /64, so per-address limits would not hold).
 *
 * @example
 * const keyOf = createKeyOf('api-key', { header: 'x-api-key', ipv6Prefix: 64 })
 * await keyOf(req) // 'key:9f86d081884c7d65…' or, without the header, 'ip:203.0.113.9'
 */
export function createKeyOf(strategy: KeyStrategy, options: { header: string; ipv6Prefix: number }): KeyOf {
  const ipKey = ipKeyOf(options.ipv6Prefix)
  switch (strategy) {
    case 'ip':
      return ipKey
    case 'api-key':
      return (req) => {
        const value = req.header(options.header)
        return value === undefined || value === '' ? ipKey(req) : `key:${digest(value)}`
      }
    case 'subject':
      return (req) => {
        // Read structurally: the field is typed by whichever authentication plugin decorates `auth`.
        const subject = (req as { auth?: { subject?: unknown } }).auth?.subject
        return typeof subject === 'string' && subject !== '' ? `sub:${digest(subject)}` : ipKey(req)
      }
    default: {
      const custom = strategy
      const toKey = (req: VectoraRequest<any>, value: unknown): string => {
        if (value !== undefined && typeof value !== 'string') {
          throw new TypeError(`@vectora/rate-limit: the key function must return a string or undefined (got ${typeof value}).`)
        }
        return value === undefined || value === '' ? ipKey(req) : `fn:${digest(value)}`
      }
      // Synchronous when the function is: a Promise only for a function that returned one.
      return (req) => {
        const value = custom(req)
        return isThenable(value) ? Promise.resolve(value).then((v) => toKey(req, v)) : toKey(req, value)
      }
    }
  }
}

/** IPv6 networks kept per registration, at most this many (then cleared): clients come back, parsing is not free. */
const IPV6_CACHE_SIZE = 4096

/**
 * The `ip:` key of a request. An IPv4 address (no `:`) is used as it is; an IPv6 one is reduced to its network
 * once and remembered (a bounded cache, cleared when full), since clientNetwork parses and validates it.
 */
function ipKeyOf(prefix: number): (req: VectoraRequest<any>) => string {
  const v6 = new Map<string, string>()
  return (req) => {
    const ip = req.ip ?? req.peerIp ?? 'unknown'
    if (ip.indexOf(':') === -1) {
      const zone = ip.indexOf('%')
      return `ip:${zone === -1 ? ip : ip.slice(0, zone)}`
    }
    let key = v6.get(ip)
    if (key === undefined) {
      if (v6.size >= IPV6_CACHE_SIZE) v6.clear()
      key = `ip:${clientNetwork(ip, prefix)}`
      v6.set(ip, key)
    }
    return key
  }
}

/**
 * The address a limit applies to: an IPv4 address as is (IPv4-mapped IPv6 included), an IPv6 address
 * reduced to its first `prefix` bits (`2001:db8:1:2::/64`).
 *
 * @example
 * clientNetwork('2001:db8:1:2:aaaa::1', 64) // '2001:db8:1:2::/64'
 * clientNetwork('::ffff:203.0.113.9', 64)   // '203.0.113.9'
 */
export function clientNetwork(ip: string, prefix: number): string {
  const zone = ip.indexOf('%')
  const address = zone === -1 ? ip : ip.slice(0, zone) // drop a zone id (fe80::1%eth0)
  // Every IPv6 address has a colon: without one, no parsing (an IPv4 address, or what the peer reported).
  if (address.indexOf(':') === -1 || !isIPv6(address)) return address
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped !== null) return mapped[1]
  if (prefix >= 128) return address.toLowerCase()
  const groups = expand(address)
  const out: string[] = []
  for (let i = 0; i < 8; i++) {
    const bits = Math.max(0, Math.min(16, prefix - i * 16))
    out.push((groups[i] & (0xffff << (16 - bits)) & 0xffff).toString(16))
  }
  return `${compress(out)}/${prefix}`
}

/** The eight 16-bit groups of a valid IPv6 address (embedded IPv4 tail included). */
function expand(address: string): number[] {
  let text = address.toLowerCase()
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number)
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16))
}

/** Compresses the longest run of zero groups (of two or more) to `::`. */
function compress(groups: string[]): string {
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < groups.length && groups[j] === '0') j++
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i]
    i = j
  }
  if (bestStart === -1) return groups.join(':')
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}
