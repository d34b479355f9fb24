/**
 * @module @vectora/compress — the public entry point: the plugin, the default type test, the Accept-Encoding
 * negotiation, the option types and the error.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { compress } from '@vectora/compress'
 *
 * const app = createApp()
 * app.register(compress, { threshold: 2048 })
 */
export { compress } from './compress.js'
export { isCompressibleType } from './compressible.js'
export { negotiateEncoding } from './negotiate.js'
export { supportedEncodings } from './codecs.js'
export type { CompressEncoding } from './codecs.js'
export type { CompressFilter, CompressOptions } from './options.js'
export { CompressError } from './errors.js'
export type { CompressErrorCode } from './errors.js'
