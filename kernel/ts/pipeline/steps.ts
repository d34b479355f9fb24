/**
 * @module pipeline/steps — route steps: the seam through which the built-ins (guards, contracts) add their
 * core hooks to a route at ready. The host runs the steps it is handed and knows nothing of what they do
 * (fastify's schema-controller seam): the core never imports a built-in.
 */
import type { BodyReader } from '../http/body-reader.js'
import type { Guard } from './guards.js'
import type { HookEntry, Phase } from './compile.js'

/** What a step may read and set on the route it compiles (a routing `Route` is one). */
export interface StepRoute {
  readonly method: string
  readonly path: string
  readonly paramNames: readonly string[]
  readonly schema: object | undefined
  /** The kernel hands the body over as it arrives (`body: 'stream'`): a step reading it must await it. */
  readonly streamBody: boolean
  /** Set by the contract step: the compiled contract, readable by plugins (OpenAPI) through routes(). */
  contract: unknown
  /** Set by the contract step: checks a handler's value and returns what to send, or throws. */
  checkResponse: ((value: unknown) => unknown) | undefined
}

/** What a route step sees of one route at ready. */
export interface RouteStepContext {
  readonly route: StepRoute
  /** `METHOD /path`, for messages. */
  readonly where: string
  /** The route's hooks by phase after scope flattening; a step adds its own entries to these lists. */
  readonly hooks: ReadonlyMap<Phase, HookEntry[]>
  /** The guards that apply, the enclosing groups' and controller's first, the route's own last. */
  readonly guards: readonly Guard<any>[]
  /**
   * The body readers of the route's scope chain (`bodyReader()`), by media type: where a reader is registered in
   * a group and on the app, the group's.
   */
  readonly bodyReaders: ReadonlyMap<string, BodyReader>
  /** True when a plugin of this name was registered in the route's scope chain (app-wide included). */
  hasPlugin(name: string): boolean
}

/**
 * A core step of per-route compilation that a built-in supplies. The host runs every step it is given, in
 * order, on every route at ready.
 *
 * @example
 * const logSchemas: RouteStep = ({ route, where }) => { if (route.schema) console.log(where) }
 */
export type RouteStep = (ctx: RouteStepContext) => void
