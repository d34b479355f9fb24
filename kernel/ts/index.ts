/**
 * @module vectora — the public entry point: named exports only; nothing from internal/ is re-exported.
 *
 * @example
 * import { createApp, HttpError, reply } from 'vectora'
 * const app = createApp()
 * app.get('/', () => ({ hello: 'world' }))
 * await app.listen({ port: 3000 })
 */
export { createApp } from './app.js'
export type { App, CloseOptions, ListenOptions } from './app.js'
export type { AppOptions, ResolvedOptions } from './options.js'
export type { Handler, PathParams, RouteDefinition, RouteOptions, RouteShorthand } from './route.js'
export { VectoraRequest } from './request.js'
export { Reply, reply } from './reply.js'
export type { ReplyInit } from './reply.js'
export type { HeaderValue, HeadersInit } from './headers.js'
export { HttpError, isHttpError, httpError } from './errors.js'
export type { HttpErrorOptions } from './errors.js'
export { errorCatalogue, VectoraError } from './error-catalogue.js'
export type { BootErrorCode, ErrorCode, ErrorEntry, HttpErrorCode } from './error-catalogue.js'
export type { ProblemBody } from './problem.js'
export { InjectResponse } from './inject.js'
export type { InjectOptions } from './inject.js'
export { createLogger } from './logger.js'
export type { Logger } from './logger.js'
export type { DrainResult, ListenResult } from './internal/native.js'
