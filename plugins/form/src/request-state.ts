/**
 * @module @vectora/form/request-state — what `readForm` keeps per request: the options of the plugin
 * registration that covers it, the one read of its body, its upload folder, and whether it has ended.
 *
 * The plugin's onRequest hook attaches the state (so `readForm` knows the scope's options and that a hook
 * will remove the folder), its onResponse hook ends it. A request outside the plugin's scope gets a state on
 * its first `readForm`, with the default options and no folder allowed.
 */
import type { VectoraRequest } from 'vectora'
import { DEFAULT_OPTIONS, type ResolvedFormOptions } from './options.js'
import type { Form } from './types.js'
import type { UploadFolder } from './upload-folder.js'

/** The form state of one request. */
export interface RequestForm {
  readonly options: ResolvedFormOptions
  /** True when the plugin's onResponse hook will end this request (so an upload folder will be removed). */
  readonly managed: boolean
  /** The read of the body, once `readForm` was called: later calls give the same promise. */
  read: Promise<Form<any>> | undefined
  folder: UploadFolder | undefined
  /** The request ended (onResponse ran): no folder may be made any more. */
  ended: boolean
}

const states = new WeakMap<VectoraRequest<any>, RequestForm>()

/**
 * Attaches the plugin's options to `req` (its onRequest hook).
 *
 * @example
 * app.addHook('onRequest', (req) => attachForm(req, options))
 */
export function attachForm(req: VectoraRequest<any>, options: ResolvedFormOptions): void {
  states.set(req, { options, managed: true, read: undefined, folder: undefined, ended: false })
}

/**
 * The state of `req`, made with the defaults (not managed) when the plugin does not cover it.
 *
 * @example
 * const state = formState(req)
 */
export function formState(req: VectoraRequest<any>): RequestForm {
  let state = states.get(req)
  if (state === undefined) {
    state = { options: DEFAULT_OPTIONS, managed: false, read: undefined, folder: undefined, ended: false }
    states.set(req, state)
  }
  return state
}

/**
 * Ends `req` (the plugin's onResponse hook): its upload folder, if one was made, is removed.
 *
 * @example
 * app.addHook('onResponse', (req) => endForm(req))
 */
export function endForm(req: VectoraRequest<any>): Promise<void> | undefined {
  const state = states.get(req)
  if (state === undefined) return undefined
  state.ended = true
  return state.folder?.remove()
}
