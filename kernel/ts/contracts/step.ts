/**
 * @module contracts/step — the contract step the host runs on every route at ready: compiles the route's
 * schema, puts the validate hook first in its validate phase, and gives the route its response check.
 */
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
  return ({ route, where, hooks }) => {
    if (route.schema === undefined) return
    const contract = compileContract(route.schema as RouteSchema, where, route.paramNames, { development })
    route.contract = contract
    route.checkResponse = contract.validateResponse
    hooks.get('validate')!.unshift(contractHook(contract))
  }
}

/** The core validate-phase hook of a route with contracts: reads the body when the schema has one. */
function contractHook(contract: Contract): HookEntry {
  // Synchronous: the body is already read, so a route's contract costs no Promise (see docs/pipeline.md).
  const fn = (req: VectoraRequest<any>): undefined => {
    const body = contract.needsBody ? jsonBodyOf(req) : undefined
    setValidated(req, contract.validate({ params: req.params, query: req.query, headers: req.headers, body }))
    return undefined
  }
  return { phase: 'validate', fn, owner: 'vectora', name: 'contract', before: [], after: [], stage: 0, timeout: undefined, seq: -1 }
}
