/**
 * @module workers/thread — the worker-thread side of createApp({ workers }): take the role the pool gave this
 * thread, attach the app to the main thread's server, enlist on listen(), close when the main thread says.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { VectoraError } from '../base/catalogue.js'
import type { AbortFn, DispatchFn, ListenResult, NativeKernel, ServerHandle, StreamFn } from '../internal/native.js'
import type { ShutdownReport } from '../lifecycle/lifecycle.js'
import type { Route } from '../routing/route.js'
import { isWorkerRole, routeSignature, WORKER_DATA_KEY, type ToMain, type ToWorker, type WorkerRole } from './protocol.js'

let claimed = false

/**
 * This thread's worker role, for the first app created on a thread spawned by the pool; undefined on the
 * main thread, on other worker threads, and for every later app of the same thread (they run on their own).
 */
export function claimWorkerRole(): WorkerRole | undefined {
  if (isMainThread || claimed || parentPort === null) return undefined
  const role = (workerData as Record<string, unknown> | null)?.[WORKER_DATA_KEY]
  if (!isWorkerRole(role)) return undefined
  claimed = true
  return role
}

/**
 * Attaches this thread's app to the main thread's server. Throws VEC_ERR_WORKER_START when its routes differ
 * from the main thread's (the kernel routes by id: both must mean the same route), or the server is gone.
 */
export function attachWorker(
  kernel: NativeKernel,
  role: WorkerRole,
  routes: readonly Route[],
  [dispatch, abort, stream]: [DispatchFn, AbortFn, StreamFn],
): ServerHandle {
  const mine = routeSignature(routes)
  const at = Math.max(mine.length, role.routes.length)
  for (let i = 0; i < at; i++) {
    if (mine[i] !== role.routes[i]) {
      throw new VectoraError(
        'VEC_ERR_WORKER_START',
        `Worker thread ${role.index} declares other routes than the main thread: route #${i} is ${mine[i] ?? 'missing'} here and ${role.routes[i] ?? 'missing'} there. Every thread must declare the same routes in the same order (no isMainThread around routes).`,
      )
    }
  }
  try {
    return kernel.serverAttach(role.server, dispatch, abort, stream)
  } catch (cause) {
    throw new VectoraError('VEC_ERR_WORKER_START', `Worker thread ${role.index} could not attach to the main thread's server.`, { cause })
  }
}

/**
 * The worker's `app.listen()`: enlist (the kernel sends this thread requests from now on), tell the main
 * thread, and resolve the address it bound once it has. `close` is what the main thread's close message
 * runs (the app's close()); its failures go back to the main thread's report.
 */
export function listenAsWorker(kernel: NativeKernel, handle: ServerHandle, close: (deadline: number) => Promise<ShutdownReport>): Promise<ListenResult> {
  const port = parentPort!
  return new Promise((resolve) => {
    port.on('message', (message: ToWorker) => {
      if (message?.type === 'bound') resolve({ address: message.address, port: message.port })
      else if (message?.type === 'close') {
        void close(message.deadline).then((report) => {
          const errors = report.errors.map((e) => ({ owner: e.owner, step: e.step, message: e.error.message }))
          port.postMessage({ type: 'closed', errors } satisfies ToMain)
          // Nothing of Vectora keeps this thread alive any more: it ends once the app's own timers do.
          port.unref()
        })
      }
    })
    port.postMessage({ type: 'enlisted', bridge: kernel.serverEnlist(handle) } satisfies ToMain)
  })
}
