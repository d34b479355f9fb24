/**
 * @module contracts/step — the contract step the host runs on every route at ready: compiles the route's
 * schema, puts the validate hook first in its validate phase, and gives the route its response check. A body
 * contract reads JSON itself and any other media type through the body readers serving the route.
 */
import { type BodyReader, mediaTypeOf } from '../http/body-reader.js'
import { httpError } from '../http/errors.js'
import { jsonBodyOf, setValidated, type VectoraRequest } from '../http/request.js'
import type { HookEntry } from '../pipeline/compile.js'
import type { RouteStep } from '../pipeline/steps.js'
import { compileContract } from './contract.js'
import type { Contract, RouteSchema } from './types.js'

/**
 * The route step for contracts. `development` decides whether response mismatches list their issues in
 * the reply (see compileContract).
 *
 * @example
 * new PluginHost({ ..., routeSteps: [guardsStep, contractStep(config.development)] })
 */
export function contractStep(development: boolean): RouteStep {
  return ({ route, where, hooks, bodyReaders }) => {
    if (route.schema === undefined) return
    const schema = route.schema as RouteSchema
    const readers = schema.body === undefined ? new Map<string, BodyReader>() : bodyReaders
    const contract = compileContract(schema, where, route.paramNames, { development, bodyMediaTypes: [...readers.keys()] })
    route.contract = contract
    route.checkResponse = contract.validateResponse
    hooks.get('validate')!.unshift(contractHook(contract, readers, route.streamBody, where))
  }
}

/** The core validate-phase hook of a route with contracts: reads the body when the schema has one. */
function contractHook(contract: Contract, readers: ReadonlyMap<string, BodyReader>, streamBody: boolean, where: string): HookEntry {
  const validate = (req: VectoraRequest<any>, body: unknown, bodyStrings: boolean): undefined => {
    setValidated(req, contract.validate({ params: req.params, query: req.query, headers: req.headers, body, bodyStrings }))
    return undefined
  }
  // Synchronous: the body is already read, so a route's contract costs no Promise (see docs/pipeline.md).
  let fn = (req: VectoraRequest<any>): undefined => validate(req, contract.needsBody ? jsonBodyOf(req) : undefined, false)
  if (contract.needsBody && (readers.size > 0 || streamBody)) {
    const json = fn
    fn = (req) => {
      const reader = readers.get(mediaTypeOf(req.header('content-type')))
      if (reader !== undefined) return readWith(reader, req) as never
      if (readers.size > 0) refuseMediaType(req, contract, where)
      // A streamed body is read whole here (under the route's bodyLimit): the contract needs all of it.
      return streamBody ? (streamedJson(req) as never) : json(req)
    }
  }
  const readWith = async (reader: BodyReader, req: VectoraRequest<any>): Promise<undefined> => validate(req, await reader.read(req), reader.strings === true)
  const streamedJson = async (req: VectoraRequest<any>): Promise<undefined> => {
    await req.buffer()
    return validate(req, jsonBodyOf(req), false)
  }
  return { phase: 'validate', fn, owner: 'vectora', name: 'contract', before: [], after: [], stage: 0, timeout: undefined, seq: -1 }
}

/** 415 naming every media type the route reads, for a body of another (or with no Content-Type). */
function refuseMediaType(req: VectoraRequest<any>, contract: Contract, where: string): void {
  const header = req.header('content-type')
  const type = mediaTypeOf(header)
  if (type === 'application/json' || type.endsWith('+json')) return
  // No body at all: the contract says what is missing, as on a route without readers.
  const length = req.headers['content-length']
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return
  const list = contract.bodyMediaTypes
  const wanted = `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`
  throw httpError('VEC_ERR_UNSUPPORTED_MEDIA_TYPE', `${where} reads ${wanted}; got ${header === undefined ? 'no content-type' : JSON.stringify(header)}.`)
}
