/**
 * @module cli/dev — `vectora dev [entry]`: runs the app in a child process (`vectora start`) and restarts it when a
 * file changes. A restart is graceful: the old process gets SIGTERM and drains (its in-flight requests finish,
 * its onClose hooks run) before the new one starts, so the port is free and no request is cut. An app that fails
 * to boot prints its error, and dev waits for the next change instead of exiting.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { constants } from 'node:os'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { intFlag, type CommandArgs, type FlagSpec } from './args.js'
import { DEFAULT_ENTRIES, findTypeScriptLoader, resolveEntry, type Entry } from './entry.js'
import { usage } from './errors.js'
import { DEV_CHILD_ENV, type DevChildMessage } from './start.js'
import { watchFiles } from './watch.js'

/** Flags of `vectora dev`. */
export const DEV_FLAGS: FlagSpec = {
  watch: { type: 'string', multiple: true },
  ignore: { type: 'string', multiple: true },
  ext: { type: 'string', multiple: true },
  'kill-timeout': { type: 'string' },
}

/** Folder names whose changes never restart the app. `dist` is added unless the entry lives in it. */
const IGNORED = ['node_modules', 'coverage']

/** The file extensions whose changes restart the app (`--ext` adds more): sources and JSON, not logs or data. */
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.json']

/** The bin that runs `vectora start` in the child (beside dist/ and ts/). */
const BIN = fileURLToPath(new URL('../../bin/vectora.js', import.meta.url))

/**
 * Runs `dev` until SIGINT/SIGTERM; resolves the exit code of the last app process (0 after a clean shutdown).
 *
 * @example
 * const code = await dev(parseCommandArgs('dev', ['src/main.ts', '--watch', 'src'], DEV_FLAGS))
 */
export async function dev(args: CommandArgs): Promise<number> {
  const cwd = process.cwd()
  const entry = resolveEntry(args.entry, cwd, DEFAULT_ENTRIES.source)
  if (entry.typescript) findTypeScriptLoader(entry)
  const killTimeout = intFlag('kill-timeout', args.flags['kill-timeout'], 30_000, 100, 600_000)
  const paths = ((args.flags.watch as string[] | undefined) ?? [entry.root]).map((path) => resolve(cwd, path))
  for (const path of paths) if (!existsSync(path)) throw usage(`--watch ${relative(cwd, path) || path} does not exist.`)
  const ignore = new Set([...IGNORED, ...((args.flags.ignore as string[] | undefined) ?? [])])
  if (!entry.path.startsWith(join(entry.root, 'dist') + sep)) ignore.add('dist')
  const extensions = new Set([...EXTENSIONS, ...((args.flags.ext as string[] | undefined) ?? []).map((ext) => (ext.startsWith('.') ? ext : `.${ext}`))])
  return new Supervisor(entry, args.rest, killTimeout).run(paths, ignore, extensions)
}

/** Says something to the developer, on stderr (stdout is the app's). */
function say(message: string): void {
  process.stderr.write(`vectora dev: ${message}\n`)
}

/** One app process at a time, restarted on change, stopped on a signal. */
class Supervisor {
  readonly #entry: Entry
  readonly #rest: readonly string[]
  readonly #killTimeout: number
  #child: ChildProcess | undefined
  #exited: Promise<number> = Promise.resolve(0)
  #lastCode = 0
  #restarting = false
  #pending: string | undefined
  #stopping = false
  /** Processes dev itself stopped (a restart): their exit is expected, not reported. */
  readonly #stoppedByDev = new WeakSet<ChildProcess>()

  constructor(entry: Entry, rest: readonly string[], killTimeout: number) {
    this.#entry = entry
    this.#rest = rest
    this.#killTimeout = killTimeout
  }

  run(paths: string[], ignore: Set<string>, extensions: Set<string>): Promise<number> {
    return new Promise((resolveRun) => {
      const stopWatching = watchFiles({
        paths,
        ignore,
        extensions,
        debounce: 100,
        onChange: (changed) => void this.#restart(relative(process.cwd(), changed[0]) || changed[0]),
      })
      const onSignal = (signal: NodeJS.Signals): void => {
        // The child has its own process group (a terminal's Ctrl-C reaches only dev): pass each signal on once,
        // so a second Ctrl-C is a second signal to the app, which then exits at once (docs/lifecycle.md).
        this.#child?.kill(signal)
        if (this.#stopping) return
        this.#stopping = true
        stopWatching()
        say(`${signal}: stopping the app (a second ${signal} exits it at once)`)
        void this.#settled().then((code) => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
          resolveRun(code)
        })
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      say(`running ${this.#entry.shown}; watching ${paths.map((path) => relative(process.cwd(), path) || '.').join(', ')}`)
      this.#spawn()
    })
  }

  /** Waits until no app process is left (a restart under way included); resolves the last exit code. */
  async #settled(): Promise<number> {
    for (let child = this.#child; ; child = this.#child) {
      await this.#exited
      if (this.#child === child) return this.#lastCode
    }
  }

  #spawn(): void {
    const child = spawn(process.execPath, [BIN, 'start', this.#entry.path, '--', ...this.#rest], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
      env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development', [DEV_CHILD_ENV]: '1' },
    })
    this.#child = child
    child.on('message', (message: DevChildMessage) => {
      if (message?.type === 'listening') say(`app ready at ${message.url}`)
    })
    this.#exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        const exitCode = code ?? 128 + signalNumber(signal)
        this.#lastCode = exitCode
        if (!this.#stoppedByDev.has(child) && !this.#stopping) {
          say(`the app exited with code ${exitCode}${signal === null ? '' : ` (${signal})`}; waiting for a file change to start it again`)
        }
        resolveExit(exitCode)
      })
    })
  }

  /** Drains the running process, then starts a new one; changes during a restart give one more restart. */
  async #restart(reason: string): Promise<void> {
    if (this.#stopping) return
    if (this.#restarting) {
      this.#pending = reason
      return
    }
    this.#restarting = true
    for (let why: string | undefined = reason; why !== undefined && !this.#stopping; why = this.#pending) {
      this.#pending = undefined
      say(`${why} changed: restarting`)
      await this.#stopChild()
      if (!this.#stopping) this.#spawn()
    }
    this.#restarting = false
  }

  /** SIGTERM to the running process (it drains), SIGKILL past the kill timeout. */
  async #stopChild(): Promise<void> {
    const child = this.#child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    this.#stoppedByDev.add(child)
    say('draining the old process')
    child.kill('SIGTERM')
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolveLate) => (timer = setTimeout(() => resolveLate('late'), this.#killTimeout)))
    if ((await Promise.race([this.#exited, late])) === 'late') {
      say(`the old process did not exit within ${this.#killTimeout} ms of SIGTERM: killing it (--kill-timeout)`)
      child.kill('SIGKILL')
      await this.#exited
    }
    clearTimeout(timer)
  }
}

/** A shell's exit code for a process killed by `signal` is 128 + its number (SIGKILL: 137). */
function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (constants.signals[signal] ?? 0)
}
