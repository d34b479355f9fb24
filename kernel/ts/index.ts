/**
 * @module vectora — the public entry point: named exports only; nothing from internal/ is re-exported.
 *
 * @example
 * import { createApp, HttpError, reply } from 'vectora'
 * const app = createApp()
 * app.get('/', () => ({ hello: 'world' }))
 * await app.listen({ port: 3000 })
 */
export { createApp } from './app/create-app.js'
export type { App, CloseOptions, ListenOptions } from './app/create-app.js'
export { definePlugin } from './host/plugin.js'
export type { Plugin, PluginDefinition } from './host/types.js'
export type { AddHook, Group, GroupOptions, HostApi, PluginApp, RouteInfo } from './host/types.js'
export type { ApiContribution, ApiContributionEntry, DescribedParameter, DescribedResponse, OperationContribution } from './host/types.js'
export type { DocumentedResponse, RouteDocs } from './routing/docs.js'
export { PHASES, REQUEST_PHASES } from './pipeline/compile.js'
export type {
  ErrorHook,
  HookInfo,
  HookInstrument,
  HookOptions,
  Outcome,
  Phase,
  PlanEntry,
  RequestHook,
  RequestPhase,
  ResponseHook,
  ResponseInfo,
  SendHook,
} from './pipeline/compile.js'
export type { Guard } from './pipeline/guards.js'
export { defineGuard, guardRequirements } from './pipeline/guards.js'
export type { GuardOptions } from './pipeline/guards.js'
export { Controller, Get, Post, Put, Patch, Delete, Options, Head } from './controllers/decorators.js'
export type { ControllerOptions, RouteDecoratorOptions } from './controllers/decorators.js'
export type { Contract, ContractError, ContractPart, Infer, InferIn, RouteSchema, ValidationIssue } from './contracts/types.js'
export { stringCoercion, toJsonSchema } from './contracts/contract.js'
export { validationError, validationIssues } from './contracts/issues.js'
export type { BodyReader } from './http/body-reader.js'
export type { Lifetime, RequestScope, ServiceDefinition } from './services/container.js'
export type { LifecycleState, ShutdownReport } from './lifecycle/lifecycle.js'
export type { HealthOptions } from './lifecycle/health.js'
export type { CheckReport, HealthCheck, HealthCheckOptions } from './lifecycle/readiness.js'
export type { MatchedRoute, RequestDecorations, RequestServices, RouteConfig } from './http/request.js'
export type { AppOptions, ResolvedOptions } from './app/options.js'
export type { TrustProxy } from './http/proxy.js'
export type {
  AnyRequest,
  ContractRequest,
  Deps,
  GuardedBy,
  Handler,
  PathParams,
  RequestFor,
  RouteDefinition,
  RouteOptions,
  RouteShorthand,
  Routes,
  ServiceTypes,
  TypedRequest,
} from './routing/route.js'
export { assignRequestId, VectoraRequest } from './http/request.js'
export { Reply } from './http/reply.js'
export { reply } from './http/replies.js'
export { FileBody, StreamBody } from './http/body.js'
export type { StreamChunk, StreamSource, StreamWriter } from './http/body.js'
export { parseRange, resolveFileReply } from './http/file.js'
export type { FileReplyOptions } from './http/file.js'
export { formatSseEvent, lastEventId } from './http/sse.js'
export type { SseEvent, SseOptions } from './http/sse.js'
export { SseChannel } from './http/sse-channel.js'
export type { SseChannelOptions } from './http/sse-channel.js'
export type { ReplyBody, ReplyInit } from './http/reply.js'
export type { HeaderValue, HeadersInit } from './http/headers.js'
export { HttpError, isHttpError, httpError } from './http/errors.js'
export type { HttpErrorOptions } from './http/errors.js'
export { errorCatalogue, VectoraError } from './base/catalogue.js'
export { closestName, didYouMean } from './base/suggest.js'
export type { BootErrorCode, ErrorCode, ErrorEntry, HttpErrorCode } from './base/catalogue.js'
export type { ProblemBody } from './http/problem.js'
export { InjectResponse } from './server/inject.js'
export type { InjectOptions } from './server/inject.js'
export { createLogger } from './base/logger.js'
export type { Logger } from './base/logger.js'
export type { DrainResult, KernelStats, ListenResult } from './internal/native.js'
