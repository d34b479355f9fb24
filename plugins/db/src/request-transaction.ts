/**
 * @module request-transaction — the request-scoped transaction: a scoped service (`inject: ['tx']`) that begins
 * on its first statement and that the plugin's hooks end before the response leaves.
 *
 * The order, per request (docs: README "The request-scoped transaction"):
 * 1. the handler resolves `tx` (nothing happens yet) and its first statement takes a connection and BEGINs;
 * 2. the handler returns: the last onSend hook COMMITs, and only then is the response sent. A COMMIT that fails
 *    turns the reply into that error (503 or 500): the client never sees a 200 for work that was not kept;
 * 3. the handler (or a hook) threw: the first onError hook marks the request, and the onSend hook ROLLs BACK
 *    before the error reply is sent;
 * 4. the client went away or the deadline passed (`req.signal`): onResponse (outcome aborted or timed_out)
 *    ROLLs BACK; a handler still running then gets DB_TRANSACTION_CLOSED from its next statement;
 * 5. the scope's disposer rolls back whatever is still open (no hook of this plugin saw the request: its
 *    route is outside the scope the plugin was registered in), with a warning.
 *
 * Requests that never resolve `tx` pay one comparison per hook: `live` counts the transactions that exist.
 */
import type { PluginApp, VectoraRequest } from 'vectora'
import type { Driver } from './driver.js'
import { createTransaction, endTransaction, type Transaction, transactionState } from './transaction.js'

/** Set on a request by the onError hook: something threw, so its transaction must not commit. */
const FAILED: unique symbol = Symbol('@vectora/db.failed')
type MarkedRequest = VectoraRequest<any> & { [FAILED]?: true }

/**
 * Provides `token` as a scoped `Transaction` and adds the hooks that end it.
 *
 * @example
 * provideRequestTransaction(app, 'tx', driver)
 * app.post('/notes', { inject: ['tx'] }, async (req, { tx }) => tx.one`insert into notes (body) values (${'hi'}) returning id`)
 */
export function provideRequestTransaction(app: PluginApp, token: string, driver: Driver): void {
  let live = 0
  let warned = false
  app.provide<Transaction>(token, {
    lifetime: 'scoped',
    factory: () => {
      live++
      return createTransaction(driver)
    },
    dispose: (tx) => {
      live--
      const state = transactionState(tx)
      if (state === 'ended') return undefined
      if (state === 'begun' && !warned) {
        warned = true
        app.log.warn(
          `@vectora/db: a request transaction ("${token}") was still open when its request ended and was rolled back. ` +
            "The plugin's hooks never saw that request: register @vectora/db in the root app (not in a group), so that routes injecting it commit.",
          { plugin: '@vectora/db' },
        )
      }
      return endTransaction(tx, false)
    },
  })

  /** The request's transaction when one may exist and the request is still answered. */
  const transactionOf = (req: VectoraRequest<any>): Transaction | undefined =>
    live === 0 || req.aborted ? undefined : req.services.resolve<Transaction>(token)

  app.addHook(
    'onError',
    (_error: unknown, req: MarkedRequest) => {
      req[FAILED] = true
      return undefined
    },
    { name: 'request-transaction-failed', stage: -1_000_000_000 },
  )
  app.addHook(
    'onSend',
    (_reply, req: MarkedRequest) => {
      const tx = transactionOf(req)
      if (tx === undefined) return undefined
      if (transactionState(tx) !== 'begun') {
        void endTransaction(tx, false) // never begun: closes it, so later statements are refused
        return undefined
      }
      return endTransaction(tx, req[FAILED] !== true).then(() => undefined)
    },
    { name: 'request-transaction-end', stage: 1_000_000_000 },
  )
  app.addHook(
    'onResponse',
    (req) => {
      if (live === 0) return undefined
      const tx = req.services.resolve<Transaction>(token)
      return transactionState(tx) === 'ended' ? undefined : endTransaction(tx, false)
    },
    { name: 'request-transaction-abort' },
  )
}
