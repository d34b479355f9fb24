/**
 * @module cli/start — `vectora start [entry]`: runs the app in this process, as `node <entry>` would (the app's
 * own signal handlers and exit codes, docs/lifecycle.md), with startup diagnostics as log lines and a boot failure
 * reported with its cause and fix.
 */
import { pathToFileURL } from 'node:url'
import type { App } from '../app/create-app.js'
import { createLogger, type Logger } from '../base/logger.js'
import type { CommandArgs, FlagSpec } from './args.js'
import { explainBootError, formatBootFailure } from './boot-error.js'
import { closeApps, holdSignalsDuringBoot } from './boot-signals.js'
import { DEFAULT_ENTRIES, loadTypeScript, resolveEntry } from './entry.js'
import { CLI_ERRORS, EXIT_FAILURE } from './errors.js'
import { currentPlatform } from './kernel-binding.js'
import { observeApps } from './observe.js'
import { runtimeInfo } from './runtime-info.js'
import { listenUrl, logStartup } from './startup-log.js'

/** `vectora start` takes no flags of its own: the app's arguments go after `--`. */
export const START_FLAGS: FlagSpec = {}

/** Set by `vectora dev` on the processes it starts: readable boot errors, and a parent to tell (IPC). */
export const DEV_CHILD_ENV = 'VECTORA_DEV_CHILD'

/** What a process started by `vectora dev` tells its parent. */
export type DevChildMessage = { type: 'listening'; url: string }

/**
 * Runs `start`. Resolves undefined once the entry has loaded (the app keeps the process alive and exits with
 * its shutdown code), or an exit code when the entry failed.
 *
 * @example
 * const code = await start(parseCommandArgs('start', ['dist/main.js'], START_FLAGS))
 */
export async function start(args: CommandArgs): Promise<number | undefined> {
  const entry = resolveEntry(args.entry, process.cwd(), DEFAULT_ENTRIES.start)
  if (entry.typescript) await loadTypeScript(entry)
  const log = createLogger()
  const devChild = process.env[DEV_CHILD_ENV] === '1'
  const info = runtimeInfo()
  log.info('vectora start', {
    vectora: info.version,
    node: info.node,
    napi: info.napi,
    platform: currentPlatform(info.packageDir),
    pid: process.pid,
    entry: entry.shown,
  })
  const reported = new WeakSet<object>()
  const report = (error: unknown): void => {
    if (typeof error === 'object' && error !== null) {
      if (reported.has(error)) return
      reported.add(error)
    }
    reportBootFailure(error, log, devChild || process.stderr.isTTY === true)
  }
  const boot = holdSignalsDuringBoot(() => seen.apps, log)
  const seen = observeApps(async (app, listen) => {
    let bound: Awaited<ReturnType<typeof listen>>
    try {
      bound = await listen()
    } catch (error) {
      report(error)
      throw error
    }
    boot.release()
    if (!boot.closing) {
      logStartup(app, bound)
      if (devChild) process.send?.({ type: 'listening', url: listenUrl(bound) } satisfies DevChildMessage)
    }
    return bound
  })
  if (devChild) closeWhenOrphaned(() => seen.apps)
  // The app sees itself as the script node ran: its own arguments, and process.argv[1] = the entry, which is
  // what createApp({ workers }) runs in its worker threads.
  process.argv = [process.argv[0], entry.path, ...args.rest]
  try {
    await import(pathToFileURL(entry.path).href)
  } catch (error) {
    report(error)
    boot.release()
    await Promise.all(seen.apps.map((app) => app.close().catch(() => undefined)))
    if (error instanceof SyntaxError) {
      // Node.js knows the file and line of a syntax error but prints them only for an uncaught one: let it
      // print them (and exit 1).
      setImmediate(() => {
        throw error
      })
      return undefined
    }
    return EXIT_FAILURE
  }
  if (seen.apps.length === 0) {
    log.warn(`the entry ${entry.shown} loaded without creating an app`, { code: 'VEC_ERR_CLI_NO_APP', fix: CLI_ERRORS.VEC_ERR_CLI_NO_APP.hint })
  }
  return undefined
}

/** One JSON error line (production logs), or a readable block on a terminal and under `vectora dev`. */
function reportBootFailure(error: unknown, log: Logger, readable: boolean): void {
  const failure = explainBootError(error)
  if (readable) {
    process.stderr.write(formatBootFailure(failure, devChildName()))
    return
  }
  log.error(`app failed to start: ${failure.message}`, {
    code: failure.code,
    ...(failure.fix === '' ? {} : { fix: failure.fix }),
    err: error,
  })
}

function devChildName(): string {
  return process.env[DEV_CHILD_ENV] === '1' ? 'vectora dev' : 'vectora start'
}

/** Under `vectora dev`: if the parent goes away (killed), close the apps and exit rather than run on unwatched. */
function closeWhenOrphaned(apps: () => readonly App[]): void {
  if (process.channel === undefined) return
  process.once('disconnect', () => {
    void closeApps(apps()).then((code) => process.exit(code))
  })
  // The IPC channel must not keep an app that has finished alive.
  process.channel.unref()
}
