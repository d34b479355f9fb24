/** @module workers/protocol — what the main thread and the worker threads of createApp({ workers }) tell each other. */
import type { Route } from '../routing/route.js'

/** The key of `workerData` that makes a thread a Vectora worker thread. */
export const WORKER_DATA_KEY = 'vectora.worker'

/** What a worker thread is told at spawn: which server to attach to, and what its app must look like. */
export interface WorkerRole {
  /** `serverId` of the main thread's server. */
  readonly server: number
  /** 1, 2, ... (the main thread is 0); names the thread in logs. */
  readonly index: number
  /** The main thread's routes (`routeSignature`): a worker's app must declare the same, in the same order. */
  readonly routes: readonly string[]
  /** The main thread's request id prefix: `req.id` is unique across threads. */
  readonly requestIdPrefix: string
}

/** One shutdown failure of a worker's app, as it crosses the thread boundary. */
export interface WorkerShutdownError {
  readonly owner: string
  readonly step: string
  readonly message: string
}

/** Worker thread -> main thread. */
export type ToMain = { readonly type: 'enlisted'; readonly bridge: number } | { readonly type: 'closed'; readonly errors: readonly WorkerShutdownError[] }

/** Main thread -> worker thread. */
export type ToWorker = { readonly type: 'bound'; readonly address: string; readonly port: number } | { readonly type: 'close'; readonly deadline: number }

/** The routes as the kernel knows them, one string each: id, method and pattern. */
export function routeSignature(routes: readonly Route[]): string[] {
  return routes.map((route) => `${route.id} ${route.method} ${route.pattern}`)
}

/** Whether `value` is a WorkerRole (workerData of a thread spawned by the pool). */
export function isWorkerRole(value: unknown): value is WorkerRole {
  const v = value as Partial<WorkerRole> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.server === 'number' &&
    typeof v.index === 'number' &&
    Array.isArray(v.routes) &&
    typeof v.requestIdPrefix === 'string'
  )
}
