/** @module http/proxy — `trustProxy`: which X-Forwarded-For hops to believe for the client's IP, and whether to believe X-Forwarded-Proto. */
import { invalid } from '../base/check.js'
import { BlockList, isIP } from 'node:net'

/**
 * Who may set X-Forwarded-For: `false` (default: nobody, `req.ip` is the TCP peer), a number of proxy hops
 * in front of the app (1 = one load balancer), or a list of trusted proxy addresses / CIDR ranges. `true`
 * trusts every hop — only behind a proxy that overwrites the header; a client can write anything in it.
 */
export type TrustProxy = boolean | number | readonly string[]

/** Computes the client IP from the peer address and the X-Forwarded-For header. */
export type ClientIpResolver = (peer: string | undefined, forwarded: string | undefined) => string | undefined

/**
 * Builds the resolver once at createApp(). Walks the chain from the peer towards the client and returns the
 * first address not trusted (the right-most untrusted hop), so a spoofed left part of the header is ignored.
 *
 * @example
 * const clientIp = createClientIp(['10.0.0.0/8'])
 * clientIp('10.0.0.5', '203.0.113.9, 10.0.0.7') // '203.0.113.9'
 */
export function createClientIp(trust: TrustProxy): ClientIpResolver {
  if (trust === false) return (peer) => peer
  const isTrusted = trustCheck(trust)
  return (peer, forwarded) => {
    if (peer === undefined) return undefined
    if (forwarded === undefined || forwarded === '') return peer
    const chain = [
      peer,
      ...forwarded
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .reverse(),
    ]
    for (let i = 0; i < chain.length; i++) {
      const address = chain[i]
      if (isIP(address) === 0) return i === 0 ? peer : chain[i - 1] // a malformed hop: stop at the last good one
      if (!isTrusted(address, i)) return address
    }
    return chain[chain.length - 1]
  }
}

/** Tells the scheme the client used from the peer address and the X-Forwarded-Proto header. */
export type ProtocolResolver = (peer: string | undefined, forwardedProto: string | undefined) => 'http' | 'https'

/**
 * Builds the scheme resolver once at createApp(). The kernel serves plain HTTP, so the scheme is `http` unless the
 * TCP peer is a trusted proxy (hop 0 of `trustProxy`) that says otherwise: then the right-most X-Forwarded-Proto
 * value (the one the nearest proxy added), when it is `http` or `https`.
 *
 * @example
 * createProtocol(['10.0.0.0/8'])('10.0.0.5', 'https') // 'https'
 * createProtocol(['10.0.0.0/8'])('203.0.113.9', 'https') // 'http': the peer is not a trusted proxy
 */
export function createProtocol(trust: TrustProxy): ProtocolResolver {
  if (trust === false) return () => 'http'
  const isTrusted = trustCheck(trust)
  return (peer, forwardedProto) => {
    if (peer === undefined || forwardedProto === undefined || !isTrusted(peer, 0)) return 'http'
    const comma = forwardedProto.lastIndexOf(',')
    const last = (comma === -1 ? forwardedProto : forwardedProto.slice(comma + 1)).trim().toLowerCase()
    return last === 'https' ? 'https' : 'http'
  }
}

function trustCheck(trust: Exclude<TrustProxy, false>): (address: string, hop: number) => boolean {
  if (trust === true) return () => true
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0) throw invalid('trustProxy', 'false, true, a hop count >= 0 or a list of addresses/CIDRs', trust)
    return (_, hop) => hop < trust
  }
  if (!Array.isArray(trust)) throw invalid('trustProxy', 'false, true, a hop count or a list of addresses/CIDRs', trust)
  const list = new BlockList()
  for (const entry of trust) {
    const [address, bits] = typeof entry === 'string' ? entry.split('/') : []
    const family = address === undefined ? 0 : isIP(address)
    if (family === 0) throw invalid('trustProxy', 'IP addresses or CIDR ranges like "10.0.0.0/8"', entry)
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) list.addAddress(address, type)
    else {
      const prefix = Number(bits)
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
        throw invalid('trustProxy', 'CIDR ranges with a valid prefix length', entry)
      list.addSubnet(address, prefix, type)
    }
  }
  return (address) => list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')
}
