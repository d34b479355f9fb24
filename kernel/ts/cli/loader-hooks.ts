/**
 * @module cli/loader-hooks — the module customization hooks (node:module `register`) that let the CLI see the apps
 * an entry creates: `import … from 'vectora'` resolves to a small module that re-exports vectora and publishes
 * each app `createApp()` returns on a diagnostics channel. Nothing else is touched: every other specifier, and
 * every export but `createApp`, resolves exactly as without the CLI.
 *
 * This is the stop-gap for a core hook (docs/cli.md, "How the CLI sees your app"): once createApp() publishes
 * on the channel itself, this file goes and the CLI's subscriber stays as it is.
 */
import type { InitializeHook, ResolveHook } from 'node:module'

/** What `register()` hands the hooks: the channel the observer subscribed to. */
export interface HooksData {
  readonly channel: string
}

let channel = ''

/**
 * Receives the channel name from `register(url, { data })`.
 *
 * @example
 * register(new URL('./loader-hooks.js', import.meta.url), { data: { channel: APP_CREATED_CHANNEL } })
 */
export const initialize: InitializeHook<HooksData> = (data) => {
  channel = data.channel
}

/**
 * Resolves `vectora` as usual, then hands back the publishing module in its place (a `data:` URL importing the
 * resolved file, so the app gets the very same vectora it would have got).
 *
 * @example
 * // node:module calls it for every import while the hooks are registered
 */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context)
  if (specifier !== 'vectora' || channel === '' || !resolved.url.startsWith('file:')) return resolved
  return { url: `data:text/javascript,${encodeURIComponent(publishingModule(resolved.url))}`, format: 'module', shortCircuit: true }
}

function publishingModule(real: string): string {
  const from = JSON.stringify(real)
  return [
    "import { channel } from 'node:diagnostics_channel'",
    "import { isMainThread } from 'node:worker_threads'",
    `import { createApp as create } from ${from}`,
    `export * from ${from}`,
    `const created = channel(${JSON.stringify(channel)})`,
    'export function createApp(options) {',
    '  const app = create(options)',
    '  if (isMainThread && created.hasSubscribers) created.publish({ app })',
    '  return app',
    '}',
  ].join('\n')
}
