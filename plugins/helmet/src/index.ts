/**
 * @module @vectora/helmet — the public entry point: the plugin, the per-reply opt-out, the header resolver, the
 * option types and the error.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { helmet } from '@vectora/helmet'
 *
 * const app = createApp()
 * app.register(helmet, { preset: 'api' })
 */
export { helmet } from './helmet.js'
export { withoutSecurityHeaders } from './omit.js'
export { HELMET_HEADER_NAMES, securityHeaders } from './options.js'
export type { HelmetOptions } from './options.js'
export type { ContentSecurityPolicyOptions, CspDirectiveValue } from './csp.js'
export type { StrictTransportSecurityOptions } from './hsts.js'
export type { ReferrerPolicyToken } from './referrer-policy.js'
export type {
  CrossOriginEmbedderPolicy,
  CrossOriginOpenerPolicy,
  CrossOriginResourcePolicy,
  XFrameOptions,
  XPermittedCrossDomainPolicies,
} from './simple-headers.js'
export type { HelmetPreset } from './presets.js'
export { HelmetError } from './errors.js'
export type { HelmetErrorCode } from './errors.js'
