/**
 * @module cli/startup-log — the log lines `vectora start` writes through the app's logger once it listens: one
 * per route with its pipeline, the plugins, and the address.
 */
import type { App } from '../app/create-app.js'
import type { ListenResult } from '../internal/native.js'
import { describeRoutes, pluginNames } from './route-view.js'

/**
 * The URL a client uses for a bound address (IPv6 in brackets).
 *
 * @example
 * listenUrl({ address: '::1', port: 3000 }) // 'http://[::1]:3000'
 */
export function listenUrl(bound: ListenResult): string {
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address
  return `http://${host}:${bound.port}`
}

/**
 * Logs the startup diagnostics of an app that just listened (`info` level, JSON lines with the default logger):
 * `route` (method, path, owner, pipeline as `phase plugin:name`), `plugins`, then `listening` (address, port, url).
 *
 * @example
 * logStartup(app, await listen())
 */
export function logStartup(app: App, bound: ListenResult): void {
  const routes = describeRoutes(app)
  for (const route of routes) {
    app.log.info('route', {
      method: route.method,
      path: route.path,
      owner: route.owner,
      ...(route.probe === undefined ? { pipeline: route.hooks.map((hook) => `${hook.phase} ${hook.plugin}:${hook.name}`) } : { probe: route.probe }),
    })
  }
  app.log.info('plugins', { plugins: pluginNames(routes) })
  app.log.info('listening', { address: bound.address, port: bound.port, url: listenUrl(bound) })
}
