/**
 * @module kernel/test/types/contract.types — type-level tests of route contracts, checked by `tsc --noEmit`
 * (kernel/test/types/types.test.ts). Every `@ts-expect-error` must be needed, so wrong inference fails too.
 */
import { type } from 'arktype'
import { compileContract } from '../../ts/contracts/contract.js'
import type { Contract, ContractError, Infer, InferIn, RouteSchema } from '../../ts/contracts/types.js'
import type { VectoraRequest } from '../../ts/http/request.js'
import type { AnyRequest, RequestFor, TypedRequest } from '../../ts/routing/route.js'

/** True only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | void {}

const schema = {
  params: type({ id: 'string.integer.parse', slug: 'string' }),
  query: type({ 'page?': 'number.integer', tags: 'string[]' }),
  headers: type({ 'x-api-key': 'string' }),
  body: type({ name: 'string', 'age?': 'number', address: { city: 'string' } }),
  response: type({ at: 'Date' }).pipe((o) => ({ at: o.at.toISOString() })),
} satisfies RouteSchema

// Output types, after morphs.
type Params = Infer<typeof schema, 'params', Record<string, string>>
expectType<Equal<Params, { id: number; slug: string }>>()
const params: Params = { id: 1, slug: 'a' }
const id: number = params.id
// @ts-expect-error the morph turned the string into a number
const idString: string = params.id

type Query = Infer<typeof schema, 'query', Record<string, string | string[]>>
expectType<Equal<Query, { page?: number; tags: string[] }>>()
declare const query: Query
// @ts-expect-error page is optional
const page: number = query.page
const pageOrUndefined: number | undefined = query.page

type Headers = Infer<typeof schema, 'headers', Record<string, string>>
const apiKey: string = ({} as Headers)['x-api-key']

type Body = Infer<typeof schema, 'body', unknown>
expectType<Equal<Body, { name: string; age?: number; address: { city: string } }>>()
declare const body: Body
const city: string = body.address.city
// @ts-expect-error name is a string
const nameNumber: number = body.name

// The response: handlers return the input side, the client receives the output side.
type ResponseIn = InferIn<typeof schema, 'response', unknown>
type ResponseOut = Infer<typeof schema, 'response', unknown>
expectType<Equal<ResponseIn, { at: Date }>>()
expectType<Equal<ResponseOut, { at: string }>>()
const returned: ResponseIn = { at: new Date() }
// @ts-expect-error the handler must return a Date, not the string it becomes
const returnedString: ResponseIn = { at: '2020-01-01' }

// Undeclared parts fall back.
const bodyOnly = { body: type({ a: 'number' }) }
expectType<Equal<Infer<typeof bodyOnly, 'params', Record<string, string>>, Record<string, string>>>()
expectType<Equal<Infer<typeof bodyOnly, 'query', 'fallback'>, 'fallback'>>()
expectType<Equal<InferIn<typeof bodyOnly, 'response', unknown>, unknown>>()
expectType<Equal<Infer<{}, 'body', null>, null>>()
// A schema widened to RouteSchema has lost its types: fallback, not `unknown`.
declare const wide: RouteSchema
expectType<Equal<Infer<typeof wide, 'params', Record<string, string>>, Record<string, string>>>()

// RouteSchema only takes arktype Types, under the five known keys.
// @ts-expect-error a definition object is not a Type: wrap it in type()
const notAType: RouteSchema = { body: { name: 'string' } }
// @ts-expect-error unknown key
const typo: RouteSchema = { reponse: type('string') }
// @ts-expect-error Infer only knows the five parts
type BadPart = Infer<typeof schema, 'cookies', never>

// compileContract: the schema and the runtime API.
const contract: Contract = compileContract(schema, 'PUT /users/:id/:slug', ['id', 'slug'], { development: true })
const needsBody: boolean = contract.needsBody
const validated = contract.validate({ params: { id: '1', slug: 'a' }, query: {}, headers: {}, body: undefined })
const maybeParams: unknown = validated.params
const sent: unknown = contract.validateResponse?.({ at: new Date() })
// @ts-expect-error validateResponse is optional (only with a response schema)
contract.validateResponse({})
const json: object | undefined = contract.toJsonSchema().body
// @ts-expect-error paramNames is required
compileContract(schema, 'GET /x')
declare const failure: ContractError
const issuePart: 'params' | 'query' | 'headers' | 'body' | 'response' = failure.errors[0].in
const status: number = failure.status

// A contract-typed request is no VectoraRequest<any> (its parts are retyped), but every request is an AnyRequest:
// what a plugin's helper (readForm, resourceOf) takes.
declare function helper(req: AnyRequest): string
declare function strictHelper(req: VectoraRequest<any>): string
declare const typed: TypedRequest<'/users/:id', typeof schema>
declare const plain: TypedRequest<'/users/:id'>
declare const guarded: RequestFor<typeof schema, '/users/:id', { user: { sub: string } }>
const helped = [helper(typed), helper(plain), helper(guarded), strictHelper(plain)]
// @ts-expect-error the contract retyped query, headers and body
strictHelper(typed)

export {
  helped,
  id,
  idString,
  page,
  pageOrUndefined,
  apiKey,
  city,
  nameNumber,
  returned,
  returnedString,
  notAType,
  typo,
  needsBody,
  maybeParams,
  sent,
  json,
  issuePart,
  status,
}
export type { BadPart }
