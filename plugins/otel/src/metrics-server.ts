/**
 * @module @vectora/otel/metrics-server — where the exposition is served: a route of the app (`metrics.path`, behind
 * `metrics.guards`), or with `metrics: { port }` a port of its own (a small node:http server, started in onReady
 * and closed in onClose), so it stays off the public listener.
 */
import { createServer, type Server } from 'node:http'
import type { Registry } from 'prom-client'
import { reply, VectoraError, type PluginApp } from 'vectora'
import type { ResolvedOtel } from './options.js'

/** Adds the metrics route, or the onReady/onClose pair of the separate server, as the options say. */
export function serveMetrics(app: PluginApp, registry: Registry, options: Exclude<ResolvedOtel['metrics'], false>): void {
  const { path, port, host, guards } = options
  if (path === false) return
  if (port === undefined) {
    app.get(path, { guards }, async () => reply.text(await registry.metrics()).header('content-type', registry.contentType))
    return
  }
  if (app.threads > 1) {
    throw new VectoraError(
      'VEC_ERR_INVALID_OPTION',
      `@vectora/otel: metrics.port cannot be used with workers (${app.threads} threads would each need the port): serve metrics.path on the app instead.`,
    )
  }
  let server: Server | undefined
  app.onReady(async () => {
    server = await startMetricsServer(registry, path, port, host)
  })
  app.onClose(async () => {
    if (server !== undefined) await stopMetricsServer(server)
  })
}

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
