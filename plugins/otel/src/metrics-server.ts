/**
 * @module @vectora/otel/metrics-server — `metrics: { port }`: the exposition on a port of its own (a small
 * node:http server, started in onReady and closed in onClose), so it stays off the public listener.
 */
import { createServer, type Server } from 'node:http'
import type { Registry } from 'prom-client'

/** Starts the server on `host:port`; resolves once it listens. Answers GET/HEAD `path` with the exposition, else 404. */
export function startMetricsServer(registry: Registry, path: string, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const target = (req.url ?? '/').split('?', 1)[0]
    if (target !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(target === path ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end(target === path ? 'method not allowed\n' : 'not found\n')
      return
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${String(error)}\n`),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

/** Closes the server and its idle keep-alive connections. */
export function stopMetricsServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
