/**
 * @module workers/pool — the main-thread side of createApp({ workers }): spawn the worker threads, wait for
 * each to enlist, replace one that exits, and close them all at shutdown (docs/workers.md).
 */
import { createRequire } from 'node:module'
import { isAbsolute, resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { VectoraError } from '../base/catalogue.js'
import type { Logger } from '../base/logger.js'
import type { ListenResult, NativeKernel, ServerHandle } from '../internal/native.js'
import type { ShutdownError } from '../lifecycle/lifecycle.js'
import { WORKER_DATA_KEY, type ToMain, type ToWorker, type WorkerRole } from './protocol.js'

/** What the pool needs from its app. */
export interface PoolOptions {
  /** Worker threads to keep running (createApp's `workers` - 1). */
  readonly threads: number
  /** The module each worker thread runs (a path or a file URL). */
  readonly module: string
  readonly startTimeout: number
  readonly kernel: NativeKernel
  readonly handle: ServerHandle
  /** The role of every worker but its index. */
  readonly role: Omit<WorkerRole, 'index'>
  readonly log: () => Logger
}

/** A worker that ran this long before exiting is replaced at once; quicker exits back off. */
const HEALTHY_RUN = 5_000
const MAX_BACKOFF = 10_000
/** Time a worker gets to end after it reported its app closed, before it is terminated. */
const EXIT_GRACE = 1_000

interface Slot {
  readonly index: number
  worker: Worker
  /** Its bridge id once it enlisted. */
  bridge: number | undefined
  startedAt: number
  /** Quick exits in a row (for the backoff). */
  crashes: number
  /** The error its thread died of, if any ('error' comes before 'exit'). */
  error: unknown
  /** Its close, once the pool closes. */
  closing: Promise<ShutdownError[]> | undefined
  exited: Promise<number>
}

/**
 * The worker threads of one app.
 *
 * @example
 * const pool = new WorkerPool({ threads: 3, module: process.argv[1], startTimeout: 30_000, kernel, handle, role, log: () => app.log })
 * await pool.start()            // every worker enlisted, before the port is bound
 * pool.bound(await kernel.serverListen(handle, host, port))
 * const errors = await pool.close(10_000)
 */
export class WorkerPool {
  readonly #o: PoolOptions
  readonly #slots = new Map<number, Slot>()
  #address: ListenResult | undefined
  #closing = false
  /** Set once start() resolved: until then an exit fails the start instead of being replaced. */
  #started = false
  readonly #timers = new Set<NodeJS.Timeout>()

  constructor(options: PoolOptions) {
    this.#o = options
  }

  /** Spawns every worker thread; resolves once each enlisted. Rejects VEC_ERR_WORKER_START (the others are terminated). */
  async start(): Promise<void> {
    const starts = Array.from({ length: this.#o.threads }, (_, i) => this.#spawn(i + 1, 0))
    const failed = (await Promise.allSettled(starts)).find((r) => r.status === 'rejected')
    if (failed !== undefined) {
      this.#closing = true
      await Promise.all([...this.#slots.values()].map((slot) => this.#terminate(slot)))
      throw (failed as PromiseRejectedResult).reason
    }
    this.#started = true
  }

  /** The main thread bound: every worker's listen() resolves this address (and later replacements' too). */
  bound(address: ListenResult): void {
    this.#address = address
    for (const slot of this.#slots.values()) if (slot.bridge !== undefined) this.#post(slot, { type: 'bound', ...address })
  }

  /** Worker threads running now. */
  get size(): number {
    return this.#slots.size
  }

  /**
   * Closes every worker's app (after the kernel drained: nothing is in flight any more) and waits for the
   * threads to end; resolves their apps' shutdown failures, attributed to `worker N: owner`. Never rejects;
   * a worker that does not close within `limit` ms is terminated and reported.
   */
  async close(deadline: number, limit: number): Promise<ShutdownError[]> {
    this.#closing = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    const all = await Promise.all([...this.#slots.values()].map((slot) => (slot.closing ??= this.#close(slot, deadline, limit))))
    return all.flat()
  }

  async #close(slot: Slot, deadline: number, limit: number): Promise<ShutdownError[]> {
    if (slot.bridge === undefined) {
      await this.#terminate(slot)
      return []
    }
    const reported = new Promise<ShutdownError[] | undefined>((resolve) => {
      slot.worker.on('message', (message: ToMain) => {
        if (message?.type !== 'closed') return
        resolve(message.errors.map((e) => ({ owner: `worker ${slot.index}: ${e.owner}`, step: e.step as ShutdownError['step'], error: new Error(e.message) })))
      })
      void slot.exited.then(() => resolve(undefined))
    })
    this.#post(slot, { type: 'close', deadline })
    const errors = await within(reported, limit)
    if (errors === undefined || errors === 'timeout') {
      await this.#terminate(slot)
      const why = errors === 'timeout' ? `did not close within ${limit} ms and was terminated` : 'exited before its app closed'
      return [{ owner: `worker ${slot.index}`, step: 'onClose', error: new Error(`Worker thread ${slot.index} ${why}.`) }]
    }
    if ((await within(slot.exited, EXIT_GRACE)) === 'timeout') await this.#terminate(slot)
    return errors
  }

  /** Starts worker `index`; resolves once it enlisted, rejects VEC_ERR_WORKER_START if it does not. */
  #spawn(index: number, crashes: number): Promise<void> {
    const role: WorkerRole = { ...this.#o.role, index }
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { [WORKER_DATA_KEY]: role, [BOOT_KEY]: boot(this.#o.module) },
      argv: process.argv.slice(2),
      name: `vectora-worker-${index}`,
    })
    // The server keeps the process alive while it listens; a worker thread never does by itself.
    worker.unref()
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve))
    const slot: Slot = { index, worker, bridge: undefined, startedAt: Date.now(), crashes, error: undefined, closing: undefined, exited }
    this.#slots.set(index, slot)
    worker.on('error', (error) => (slot.error = error))
    const started = new Promise<void>((resolve, reject) => {
      const fail = (why: string) =>
        reject(new VectoraError('VEC_ERR_WORKER_START', `Worker thread ${index} (${this.#o.module}) ${why}.`, { cause: slot.error }))
      const timer = setTimeout(() => {
        fail(`did not call app.listen() within workerStartTimeout (${this.#o.startTimeout} ms)`)
        void worker.terminate()
      }, this.#o.startTimeout)
      worker.on('message', (message: ToMain) => {
        if (message?.type !== 'enlisted' || slot.bridge !== undefined) return
        clearTimeout(timer)
        slot.bridge = message.bridge
        if (this.#address !== undefined) this.#post(slot, { type: 'bound', ...this.#address })
        resolve()
      })
      void exited.then((code) => {
        clearTimeout(timer)
        if (slot.bridge === undefined)
          fail(`exited with code ${code} before it called app.listen()${slot.error === undefined ? '' : `: ${messageOf(slot.error)}`}`)
        this.#onExit(slot, code)
      })
    })
    return started
  }

  /** A worker ended: detach it (its requests end with VEC_ERR_WORKER_EXITED) and, unless closing, replace it. */
  #onExit(slot: Slot, exitCode: number): void {
    const lost = slot.bridge === undefined ? 0 : this.#o.kernel.serverDetach(this.#o.handle, slot.bridge)
    if (this.#slots.get(slot.index) === slot) this.#slots.delete(slot.index)
    if (this.#closing || !this.#started) return
    const quick = Date.now() - slot.startedAt < HEALTHY_RUN
    const crashes = quick ? slot.crashes + 1 : 0
    const delay = crashes === 0 ? 0 : Math.min(100 * 2 ** crashes, MAX_BACKOFF)
    const fields = {
      code: slot.bridge === undefined ? 'VEC_ERR_WORKER_START' : 'VEC_ERR_WORKER_EXITED',
      worker: slot.index,
      exitCode,
      lost,
      err: slot.error,
      restartIn: delay,
    }
    this.#safeLog(
      slot.bridge === undefined ? 'A worker thread did not start; trying again.' : `Worker thread ${slot.index} exited; a replacement is starting.`,
      fields,
    )
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (this.#closing) return
      this.#spawn(slot.index, crashes).catch(() => {}) // its exit is logged and retried by #onExit
    }, delay)
    this.#timers.add(timer)
  }

  async #terminate(slot: Slot): Promise<void> {
    await slot.worker.terminate().catch(() => {})
    await slot.exited
  }

  #post(slot: Slot, message: ToWorker): void {
    try {
      slot.worker.postMessage(message)
    } catch {}
  }

  #safeLog(message: string, fields: Record<string, unknown>): void {
    try {
      this.#o.log().error(message, fields)
    } catch {}
  }
}

const BOOT_KEY = 'vectora.boot'
const TYPESCRIPT = /\.[cm]?tsx?$/

/**
 * A worker thread's first code: import the app module, after registering tsx's loader when the module is
 * TypeScript. Node 20 does not carry the main thread's `--import tsx` hooks into worker threads, so a
 * worker run under `tsx` or `node --import tsx` registers them itself (tsx/esm/api). A failure is thrown
 * out of the thread: the pool sees it as the worker's error.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads')
const { url, tsx } = workerData['${BOOT_KEY}']
;(async () => {
  if (tsx !== undefined) (await import(tsx)).register()
  await import(url)
})().catch((error) => process.nextTick(() => { throw error }))
`

/** The module's file URL, and tsx's API for a TypeScript module (resolved from the module's own folder). */
function boot(module: string): { url: string; tsx: string | undefined } {
  const url = module.startsWith('file:') ? module : pathToFileURL(isAbsolute(module) ? module : resolvePath(module)).href
  if (!TYPESCRIPT.test(new URL(url).pathname)) return { url, tsx: undefined }
  try {
    // require.resolve finds the package's CommonJS build; its ES module build sits beside it.
    const api = createRequire(url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs')
    return { url, tsx: pathToFileURL(api).href }
  } catch (cause) {
    throw new VectoraError(
      'VEC_ERR_WORKER_START',
      `The worker module ${module} is TypeScript, and tsx (which worker threads use to load it) is not installed: npm install -D tsx, or give workerModule a built .js file.`,
      { cause },
    )
  }
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
