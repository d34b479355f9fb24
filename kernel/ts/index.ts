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
export { definePlugin } from './plugin.js'
export type { Plugin, PluginDefinition } from './plugin.js'
export type { AddHook, Group, GroupOptions, HostApi, PluginApp, RouteInfo } from './host.js'
export { PHASES, REQUEST_PHASES } from './pipeline.js'
export type {
  ErrorHook, HookOptions, Outcome, Phase, PlanEntry, RequestHook, RequestPhase, ResponseHook, ResponseInfo, SendHook,
} from './pipeline.js'
export type { Guard } from './guard.js'
export { defineGuard, guardRequirements } from './guard.js'
export type { GuardOptions } from './guard.js'
export { Controller, Get, Post, Put, Patch, Delete, Options, Head } from './controller.js'
export type { ControllerOptions, RouteDecoratorOptions } from './controller.js'
export type { Contract, Infer, InferIn, RouteSchema, ValidationIssue } from './contract.js'
export type { Lifetime, RequestScope, ServiceDefinition } from './container.js'
export type { LifecycleState, ShutdownReport } from './lifecycle.js'
export type { RequestDecorations, RequestServices } from './request.js'
export type { AppOptions, ResolvedOptions } from './options.js'
export type { TrustProxy } from './proxy.js'
export type {
  ContractRequest, Deps, GuardedBy, Handler, PathParams, RequestFor, RouteDefinition, RouteOptions, RouteShorthand, Routes,
  ServiceTypes, TypedRequest,
} from './route.js'
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
