/**
 * @module cli/observe — sees every app the entry creates (through cli/loader-hooks) and puts the command between
 * the entry and `app.listen()`: `start` logs what it started, `routes` prints the table instead of listening.
 */
import { subscribe } from 'node:diagnostics_channel'
import { register } from 'node:module'
import type { App, ListenOptions } from '../app/create-app.js'
import type { ListenResult } from '../internal/native.js'

/** The diagnostics channel each new app is published on (`{ app }`), on the main thread. */
export const APP_CREATED_CHANNEL = 'vectora:cli:app-created'

/**
 * What the command does when the entry calls `app.listen(options)`: call `listen()` to really listen (and
 * return what it resolves), or return something else instead.
 */
export type ListenInterceptor = (app: App, listen: () => Promise<ListenResult>, options: ListenOptions | undefined) => Promise<ListenResult>

/** The apps seen so far, in creation order. */
export interface ObservedApps {
  readonly apps: readonly App[]
}

/**
 * Registers the loader hooks and subscribes to the channel: from now on every `createApp()` of a module that
 * imports `vectora` is recorded, and its `listen()` goes through `intercept`. Call once, before importing the entry.
 *
 * @example
 * const seen = observeApps(async (app, listen) => {
 *   const bound = await listen()
 *   app.log.info('listening', { port: bound.port })
 *   return bound
 * })
 * await import(entryUrl)
 */
export function observeApps(intercept: ListenInterceptor): ObservedApps {
  const apps: App[] = []
  subscribe(APP_CREATED_CHANNEL, (message) => {
    const app = (message as { app: App }).app
    apps.push(app)
    const listen = app.listen
    // The instance's own property: the app's other methods, and other apps, are untouched.
    app.listen = (options?: ListenOptions) => intercept(app, () => listen.call(app, options), options)
  })
  // Built files load the built hooks; under tsx (the repository's own runs) the .ts file beside this one.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  register(new URL(`./loader-hooks${ext}`, import.meta.url), { data: { channel: APP_CREATED_CHANNEL } })
  return { apps }
}

/**
 * True when `value` looks like a Vectora app (an entry may export one).
 *
 * @example
 * const app = isApp(mod.default) ? mod.default : undefined
 */
export function isApp(value: unknown): value is App {
  const v = value as Partial<App> | null
  return typeof v === 'object' && v !== null && typeof v.routes === 'function' && typeof v.pipeline === 'function' && typeof v.ready === 'function'
}
