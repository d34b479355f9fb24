/**
 * @module @vectora/form/form — the plugin: the scope's default options for `readForm`, and the removal of
 * each request's upload folder when the request ends.
 *
 * A body reader for both form media types, so a route's `schema.body` validates form fields (coerced as a query
 * is) the way it validates JSON (docs/contracts.md#body-readers): the contract's read is `readForm(req)`, whose
 * result a later `readForm(req)` in the handler returns (files included).
 *
 * Two hooks on the routes of the scope it is registered in:
 * - `attach` (onRequest, synchronous): gives the request the plugin's options; nothing is read yet;
 * - `removeUploads` (onResponse, stage 1000: after other observers, which may still look at the files): removes
 *   the request's upload folder, if `readForm` made one. onResponse runs once after the reply's last byte (a
 *   `reply.file()` of an upload is sent whole first) or when the request was cut, so the folder never outlives
 *   its request.
 */
import { definePlugin } from 'vectora'
import { type FormOptions, resolveFormOptions } from './options.js'
import { readForm } from './read-form.js'
import { attachForm, endForm } from './request-state.js'

const VERSION = '0.1.0'
/** After other onResponse observers: an access log or an audit hook may still read an uploaded file. */
const REMOVE_STAGE = 1000

/**
 * The form plugin. Options are the defaults of every `readForm` on the routes of the scope (a call's own
 * options win); every one is checked at register().
 *
 * @example
 * import { createApp } from 'vectora'
 * import { form, readForm } from '@vectora/form'
 *
 * const app = createApp()
 * app.register(form, { fileSize: 5 * 1024 * 1024, files: 3 })
 * app.post('/contact', async (req) => (await readForm(req)).fields)
 */
export const form = definePlugin<FormOptions | undefined>({
  name: '@vectora/form',
  version: VERSION,
  setup(app, options) {
    const resolved = resolveFormOptions(options)
    app.addHook('onRequest', (req) => attachForm(req, resolved), { name: 'attach' })
    app.addHook('onResponse', (req) => endForm(req), { name: 'removeUploads', stage: REMOVE_STAGE })
    app.bodyReader({
      mediaTypes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
      strings: true,
      read: async (req) => (await readForm(req)).fields,
    })
  },
})
