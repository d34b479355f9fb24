/**
 * @module @vectora/form — the public entry point: the plugin, `readForm`, their options and result types, the
 * error catalogue and the configuration error.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { form, readForm } from '@vectora/form'
 *
 * const app = createApp()
 * app.register(form)
 * app.post('/contact', async (req) => (await readForm(req)).fields)
 */
export { form } from './form.js'
export { readForm } from './read-form.js'
export type { ReadFormOptions } from './read-form.js'
export { DEFAULT_LIMITS, FormConfigError } from './options.js'
export type { FormLimits, FormOptions } from './options.js'
export { formErrors } from './errors.js'
export type { FormErrorCode } from './errors.js'
export type { FieldSchema, FieldsError, InferFields } from './field-schema.js'
export type { Form, FormFields, FormFile, FormFilePart } from './types.js'
