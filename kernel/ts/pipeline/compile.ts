/**
 * @module pipeline/compile — the request pipeline: phases in fixed order, compiled per route on tapable, isolated hooks.
 *
 * Phases: onRequest, authenticate, authorize, validate, preHandler (each may short-circuit with a reply),
 * the handler, onSend (transforms the reply), onResponse (observes, always, with the outcome); onError maps
 * errors to replies. Every tap is wrapped by a tapable `register` interceptor that attributes errors to the
 * plugin that registered the hook, applies the hook's timeout, and keeps observers from failing each other.
 * The contract is documented in docs/pipeline.md.
 *
 * tapable holds the taps and their wrappers; the compiled pipeline is the wrapped functions, in order, per
 * phase, so that pipeline/run.ts can call them directly: a hook that returns a plain value costs no Promise
 * and no microtask (tapable's `promise()` would allocate one per phase).
 */
import { isThenable } from '../base/check.js'
import { createRequire } from 'node:module'
import { HttpError } from '../http/errors.js'
import type { Logger } from '../base/logger.js'
import { Reply } from '../http/reply.js'
import type { VectoraRequest } from '../http/request.js'

/** The phases that run before the handler, in order; each may short-circuit by returning a reply. */
export const REQUEST_PHASES = ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler'] as const
export type RequestPhase = (typeof REQUEST_PHASES)[number]
export type Phase = RequestPhase | 'onSend' | 'onResponse' | 'onError'
export const PHASES: readonly Phase[] = [...REQUEST_PHASES, 'onSend', 'onResponse', 'onError']

/** How a request ended, as onResponse sees it. */
export type Outcome = 'completed' | 'errored' | 'aborted' | 'timed_out'

/** What onResponse observers receive. `status` is what the client got (0 when it went away first). */
export interface ResponseInfo {
  readonly outcome: Outcome
  readonly status: number
  readonly error?: unknown
  /** Milliseconds from the start of the pipeline to the end of the request. */
  readonly duration: number
}

type Req = VectoraRequest<any>
/** onRequest … preHandler: return a reply (or any handler-style value) to answer now; undefined to go on. */
export type RequestHook = (req: Req) => unknown
/** onSend: mutate the reply, or return a replacement. */
export type SendHook = (reply: Reply, req: Req) => Reply | void | Promise<Reply | void>
/** onResponse: observe; what it returns or throws never touches the reply. */
export type ResponseHook = (req: Req, info: ResponseInfo) => unknown
/** onError: return a reply (or value) to answer with, or undefined to leave the error to the next mapper. */
export type ErrorHook = (error: unknown, req: Req) => unknown

/** How a hook is placed and bounded. */
export interface HookOptions {
  /** A label for `app.pipeline()` and logs. Default: the function's name. */
  name?: string
  /** Run before / after the hooks these plugins have in the same phase. */
  before?: string | readonly string[]
  after?: string | readonly string[]
  /** Lower runs earlier among hooks no before/after orders. Default 0. */
  stage?: number
  /** Milliseconds the hook may take; past it the request fails with 503 VEC_ERR_HOOK_TIMEOUT (observers: logged). */
  timeout?: number
}

/** A registered hook, as the host stores it. */
export interface HookEntry {
  readonly phase: Phase
  readonly fn: (...args: any[]) => unknown
  readonly owner: string
  readonly name: string
  readonly before: readonly string[]
  readonly after: readonly string[]
  readonly stage: number
  readonly timeout: number | undefined
  readonly seq: number
}

/** One line of `app.pipeline()`: a hook in the order it runs. */
export interface PlanEntry {
  phase: Phase
  plugin: string
  name: string
  stage: number
}

/**
 * A wrapped hook: returns the hook's value as is when it is not a thenable (a sync throw is thrown, with the
 * plugin attributed), else a Promise of it (attributed, under the hook's timeout). Observers never throw.
 */
export type Tap<A extends unknown[]> = (...args: A) => unknown

/** A route's compiled hooks: the wrapped taps in run order, per phase; phases without hooks are absent (null / no entry). */
export interface CompiledPipeline {
  /** One list of taps per request phase that has hooks, in phase order. */
  readonly request: ReadonlyArray<ReadonlyArray<Tap<[Req]>>>
  /** onSend taps: each returns the reply to go on with (the same or a replacement), or a Promise of it. */
  readonly onSend: ReadonlyArray<Tap<[Reply, Req]>> | null
  readonly onResponse: ReadonlyArray<Tap<[Req, ResponseInfo]>> | null
  readonly onError: ReadonlyArray<Tap<[unknown, Req]>> | null
  readonly plan: readonly PlanEntry[]
}

/** What a hook instrument is told of the hook about to run. */
export interface HookInfo {
  readonly phase: Phase
  /** The plugin that registered the hook (`app` for the app's own). */
  readonly plugin: string
  readonly name: string
}

/**
 * Observes hook calls (`app.instrumentHooks`, for tracing): called before each hook with the hook and the
 * request; returns the function to call when the hook's work ended (with its error, if it failed), or undefined
 * to leave this call alone. Compiled in only when one is registered: without instruments hooks run unwrapped.
 * An instrument that throws is logged and ignored.
 */
export type HookInstrument = (hook: HookInfo, req: VectoraRequest<any>) => ((error?: unknown) => void) | undefined

/** What the hook wrappers need from the app. */
export interface PipelineContext {
  log(): Logger
  /** Hook instruments, in registration order (none: nothing is wrapped). */
  readonly instruments?: readonly HookInstrument[]
}

type TapWithEntry = { name: string; fn: Function; entry?: HookEntry }

/**
 * Compiles one route's ordered hooks (already sorted per phase) into tapable hooks.
 *
 * @example
 * const compiled = compilePipeline(orderedByPhase, { log: () => app.log })
 */
export function compilePipeline(hooks: ReadonlyMap<Phase, readonly HookEntry[]>, ctx: PipelineContext): CompiledPipeline {
  const { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesWaterfallHook } = tapable()
  const plan: PlanEntry[] = []
  const tapAll = <H extends { tapPromise: (options: any, fn: any) => void; intercept: (i: any) => void }>(
    hook: H,
    phase: Phase,
    wrap: (entry: HookEntry, fn: Function) => Function,
  ): H => {
    const instruments = ctx.instruments ?? []
    hook.intercept({
      register: (tap: TapWithEntry) =>
        tap.entry ? { ...tap, fn: wrap(tap.entry, instruments.length === 0 ? tap.fn : instrumented(tap.entry, tap.fn, instruments, ctx)) } : tap,
    })
    for (const entry of hooks.get(phase) ?? []) {
      // Taps go in the order computed by orderHooks; tapable's own stage/before are not used.
      hook.tapPromise({ name: `${entry.owner}:${entry.name}`, entry } as { name: string }, entry.fn)
      plan.push({ phase, plugin: entry.owner, name: entry.name, stage: entry.stage })
    }
    return hook
  }
  const has = (phase: Phase): boolean => (hooks.get(phase)?.length ?? 0) > 0
  // The wrapped functions tapable holds, in tap order (what its `promise()` would run, minus the Promises).
  const taps = <A extends unknown[]>(hook: { taps: ReadonlyArray<{ fn: Function }> }): ReadonlyArray<Tap<A>> => hook.taps.map((t) => t.fn as Tap<A>)
  const request = REQUEST_PHASES.filter(has).map((phase) => taps<[Req]>(tapAll(new AsyncSeriesBailHook<[Req], unknown>(['req']), phase, guarded)))
  const onSend = has('onSend') ? taps<[Reply, Req]>(tapAll(new AsyncSeriesWaterfallHook<[Reply, Req]>(['reply', 'req']), 'onSend', sendWrapper)) : null
  const onError = has('onError')
    ? taps<[unknown, Req]>(
        tapAll(new AsyncSeriesBailHook<[unknown, Req], unknown>(['error', 'req']), 'onError', (e, fn) => observer(e, fn, ctx, 'error mapper failed')),
      )
    : null
  const onResponse = has('onResponse')
    ? taps<[Req, ResponseInfo]>(
        tapAll(new AsyncParallelHook<[Req, ResponseInfo]>(['req', 'info']), 'onResponse', (e, fn) => observer(e, fn, ctx, 'onResponse hook failed')),
      )
    : null
  return { request, onSend, onResponse, onError, plan }
}

let tapableModule: typeof import('tapable') | undefined
/** tapable, loaded when the first route with hooks is compiled: an app without hooks never loads it. */
function tapable(): typeof import('tapable') {
  return (tapableModule ??= createRequire(import.meta.url)('tapable') as typeof import('tapable'))
}

/** onSend hooks get the reply; a hook that returns nothing keeps it (waterfall semantics). */
function sendWrapper(entry: HookEntry, fn: Function): Function {
  const inner = guarded(entry, fn)
  const next = (reply: Reply, value: unknown): Reply => {
    if (value === undefined) return reply
    if (value instanceof Reply) return value
    throw attribute(new TypeError(`onSend must return a Reply or nothing (got ${typeof value}).`), entry)
  }
  return (reply: Reply, req: Req) => {
    const value = inner(reply, req)
    return isThenable(value) ? Promise.resolve(value).then((v) => next(reply, v)) : next(reply, value)
  }
}

/**
 * Calls a hook; a plain value is returned as is (no Promise). Errors (sync throws, rejections, timeouts)
 * carry the plugin's name; the timeout applies to a thenable (a sync hook cannot overrun it).
 */
function guarded(entry: HookEntry, fn: Function): (a: unknown, b?: unknown) => unknown {
  // Two fixed parameters (every phase passes one or two arguments): a rest parameter would cost an array per call.
  return (a: unknown, b?: unknown) => {
    let result: unknown
    try {
      result = fn(a, b)
    } catch (error) {
      throw attribute(error, entry)
    }
    if (!isThenable(result)) return result
    const settled = Promise.resolve(result).catch((error: unknown) => {
      throw attribute(error, entry)
    })
    return entry.timeout === undefined ? settled : withTimeout(settled, entry)
  }
}

/**
 * `fn` run between the instruments' start and end: end gets the hook's error (a sync throw or a rejection);
 * a thenable ends when it settles. The request is the hook's first argument, or its second for onSend and
 * onError. Instrument failures are logged, never thrown into the pipeline.
 */
function instrumented(entry: HookEntry, fn: Function, instruments: readonly HookInstrument[], ctx: PipelineContext): Function {
  const info: HookInfo = { phase: entry.phase, plugin: entry.owner, name: entry.name }
  const reqFirst = entry.phase !== 'onSend' && entry.phase !== 'onError'
  const failed = (error: unknown): void => ctx.log().error('a hook instrument failed', { plugin: entry.owner, hook: entry.name, err: error })
  const start = (req: VectoraRequest<any>): Array<(error?: unknown) => void> => {
    const ends: Array<(error?: unknown) => void> = []
    for (const instrument of instruments) {
      try {
        const end = instrument(info, req)
        if (end !== undefined) ends.push(end)
      } catch (error) {
        failed(error)
      }
    }
    return ends
  }
  const finish = (ends: Array<(error?: unknown) => void>, error?: unknown): void => {
    for (const end of ends) {
      try {
        end(error)
      } catch (thrown) {
        failed(thrown)
      }
    }
  }
  return (a: unknown, b: unknown) => {
    const ends = start((reqFirst ? a : b) as VectoraRequest<any>)
    let result: unknown
    try {
      result = fn(a, b)
    } catch (error) {
      finish(ends, error)
      throw error
    }
    if (!isThenable(result)) {
      finish(ends)
      return result
    }
    return Promise.resolve(result).then(
      (value) => {
        finish(ends)
        return value
      },
      (error: unknown) => {
        finish(ends, error)
        throw error
      },
    )
  }
}

/** Observers (onResponse, onError): a failure is logged with the plugin's name and never propagates. */
function observer(entry: HookEntry, fn: Function, ctx: PipelineContext, message: string): Function {
  const inner = guarded(entry, fn)
  const fail = (error: unknown): undefined => {
    ctx.log().error(message, { plugin: entry.owner, hook: entry.name, phase: entry.phase, err: error })
    return undefined
  }
  return (a: unknown, b: unknown) => {
    let value: unknown
    try {
      value = inner(a, b)
    } catch (error) {
      return fail(error)
    }
    return isThenable(value) ? Promise.resolve(value).catch(fail) : value
  }
}

function withTimeout(promise: Promise<unknown>, entry: HookEntry): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          attribute(
            new HttpError(503, `The ${entry.phase} hook "${entry.name}" of ${entry.owner} ` + `did not finish within ${entry.timeout} ms.`, {
              code: 'VEC_ERR_HOOK_TIMEOUT',
            }),
            entry,
          ),
        ),
      entry.timeout,
    )
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Marks an error with the plugin, hook and phase it came from (non-enumerable: it never leaks into replies). */
export function attribute(error: unknown, entry: HookEntry): unknown {
  const target = typeof error === 'object' && error !== null ? error : new Error(`A hook threw a non-error value: ${String(error)}`)
  if (Object.isExtensible(target) && !Object.hasOwn(target, 'plugin')) {
    Object.defineProperties(target, {
      plugin: { value: entry.owner, configurable: true },
      hook: { value: entry.name, configurable: true },
      phase: { value: entry.phase, configurable: true },
    })
  }
  return target
}

/** The plugin a pipeline error came from, if any. */
export function pluginOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { plugin?: string }).plugin : undefined
}
