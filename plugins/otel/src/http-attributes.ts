/**
 * @module @vectora/otel/http-attributes — the bounded values spans and metrics are labelled with: known methods
 * (others become `_OTHER`, as the HTTP semantic conventions say), and `Host` split into address and port.
 */

/** The methods of RFC 9110 and RFC 5789; anything else is `_OTHER` so a client cannot mint label values. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'])

/** `http.request.method` for `method`: itself when known, else `_OTHER`. */
export function normalizeMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER'
}

/** `server.address` and `server.port` from a Host header (`example.com:8080`, `[::1]:3000`); port 80 when absent. */
export function parseHost(host: string | undefined): { address: string; port: number } | undefined {
  if (host === undefined || host === '') return undefined
  let address = host
  let portText = ''
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    if (end === -1) return undefined
    address = host.slice(1, end)
    if (host[end + 1] === ':') portText = host.slice(end + 2)
  } else {
    const colon = host.lastIndexOf(':')
    if (colon !== -1) {
      address = host.slice(0, colon)
      portText = host.slice(colon + 1)
    }
  }
  const port = portText === '' ? 80 : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { address, port: 80 }
  return { address, port }
}
