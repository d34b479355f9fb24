/**
 * @module cli/routes — `vectora routes [entry]`: loads the entry without opening a port and prints each route with
 * its resolved pipeline (plugins and hooks in order, guards, contract parts).
 *
 * The entry runs as usual until it calls `app.listen()`; that call readies the app (plugins set up, pipelines
 * compiled, onReady hooks run), prints the table, closes the app and ends the process — nothing is bound. An entry
 * that never listens may export its app (`export default app` or `export const app`) or just create one.
 */
import { pathToFileURL } from 'node:url'
import type { App } from '../app/create-app.js'
import type { CommandArgs, FlagSpec } from './args.js'
import { explainBootError, formatBootFailure } from './boot-error.js'
import { DEFAULT_ENTRIES, loadTypeScript, resolveEntry } from './entry.js'
import { CliError, EXIT_FAILURE } from './errors.js'
import { isApp, observeApps } from './observe.js'
import { formatRouteTable } from './route-table.js'
import { describeRoutes } from './route-view.js'

/** Flags of `vectora routes`. */
export const ROUTES_FLAGS: FlagSpec = {
  json: { type: 'boolean' },
}

/**
 * Runs `routes`; resolves the exit code (0 printed, 1 the app failed to boot or none was found).
 *
 * @example
 * const code = await routes(parseCommandArgs('routes', ['src/main.ts', '--json'], ROUTES_FLAGS))
 */
export async function routes(args: CommandArgs): Promise<number> {
  const entry = resolveEntry(args.entry, process.cwd(), DEFAULT_ENTRIES.source)
  if (entry.typescript) await loadTypeScript(entry)
  const json = args.flags.json === true
  let printing: Promise<number> | undefined
  let listened: (printed: Promise<number>) => void = () => {}
  const firstListen = new Promise<Promise<number>>((resolve) => (listened = resolve))
  const print = (app: App): Promise<number> => {
    if (printing === undefined) listened((printing = inspect(app, entry.shown, json)))
    return printing
  }
  const seen = observeApps((app) => {
    void print(app)
    // The entry waits here for good: the command ends the process once the table is out.
    return new Promise(() => {})
  })
  process.argv = [process.argv[0], entry.path, ...args.rest]
  let loaded: Record<string, unknown>
  try {
    // An entry that awaits listen() never finishes loading: the first listen() call decides.
    const outcome = await Promise.race([
      (import(pathToFileURL(entry.path).href) as Promise<Record<string, unknown>>).then((module) => ({ module })),
      firstListen.then((printed) => ({ printed })),
    ])
    if ('printed' in outcome) return await outcome.printed
    loaded = outcome.module
  } catch (error) {
    process.stderr.write(formatBootFailure(explainBootError(error), 'vectora routes'))
    return EXIT_FAILURE
  }
  if (printing !== undefined) return printing
  const exported = [loaded.default, loaded.app].find(isApp)
  const app = exported ?? seen.apps[0]
  if (app === undefined) {
    throw new CliError(
      'VEC_ERR_CLI_NO_APP',
      `${entry.shown} loaded without creating an app or exporting one (looked for createApp() calls and the exports default and app).`,
    )
  }
  return print(app)
}

async function inspect(app: App, source: string, json: boolean): Promise<number> {
  try {
    await app.ready()
  } catch (error) {
    process.stderr.write(formatBootFailure(explainBootError(error), 'vectora routes'))
    await app.close().catch(() => undefined)
    return EXIT_FAILURE
  }
  const views = describeRoutes(app)
  process.stdout.write(json ? `${JSON.stringify(views, null, 2)}\n` : formatRouteTable(views, source))
  await app.close().catch(() => undefined)
  return 0
}
