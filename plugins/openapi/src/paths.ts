/**
 * @module @vectora/openapi/paths — Vectora route paths as OpenAPI path templates (`/users/:id` -> `/users/{id}`, a
 * last `*` -> `{wildcard}`), and the operationIds derived from method and path.
 */

/** A path parameter: its name in the route (`id`, or `*` for the wildcard) and in the template. */
export interface PathParam {
  readonly route: string
  readonly name: string
}

/** A route path as a template. */
export interface PathTemplate {
  /** `/users/{id}/files/{wildcard}` */
  readonly template: string
  readonly params: readonly PathParam[]
  /** The template with its names left out (`/users/{}`): routes with the same shape share one Path Item. */
  readonly shape: string
}

/** The name of the wildcard in templates: `*` is not a name code generators and URI templates accept. */
export const WILDCARD = 'wildcard'

/**
 * The OpenAPI template of a route path. The wildcard becomes `{wildcard}` (`{wildcard_}` when the path also has
 * a `:wildcard` param): a client fills it with the rest of the path, its slashes percent-encoded as `%2F`
 * (RFC 6570 simple expansion), which the kernel decodes into `req.params['*']`.
 *
 * @example
 * toTemplate('/files/:owner/*') // { template: '/files/{owner}/{wildcard}', params: [{ route: 'owner', name: 'owner' }, { route: '*', name: 'wildcard' }], ... }
 */
export function toTemplate(path: string): PathTemplate {
  const segments = path.split('/')
  const names = segments.filter((s) => s.startsWith(':')).map((s) => s.slice(1))
  const params: PathParam[] = []
  const template = segments
    .map((segment) => {
      if (segment === '*') {
        let name = WILDCARD
        while (names.includes(name)) name += '_'
        params.push({ route: '*', name })
        return `{${name}}`
      }
      if (!segment.startsWith(':')) return segment
      params.push({ route: segment.slice(1), name: segment.slice(1) })
      return `{${segment.slice(1)}}`
    })
    .join('/')
  return { template, params, shape: template.replace(/\{[^}]*\}/g, '{}') }
}

/**
 * A stable operationId from method and path: the method, then each segment in PascalCase, params as `By<Name>`.
 * Only letters and digits, so every code generator takes it.
 *
 * @example
 * deriveOperationId('GET', '/users/:id') // 'getUsersById'
 * deriveOperationId('POST', '/files/*') // 'postFilesByWildcard'
 * deriveOperationId('GET', '/') // 'getRoot'
 */
export function deriveOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s !== '')
    .map((segment) => (segment === '*' ? `By${pascal(WILDCARD)}` : segment.startsWith(':') ? `By${pascal(segment.slice(1))}` : pascal(segment)))
  return method.toLowerCase().replace(/[^a-z0-9]/g, '') + (words.length === 0 ? 'Root' : words.join(''))
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
}

/**
 * Unique operationIds, deterministic in route order: the first route keeps its id, later ones with the same id
 * get `_2`, `_3`... (an explicit `docs.operationId` on a route registered with several methods, for one).
 *
 * @example
 * const unique = uniqueIds(); unique('getUsers'); unique('getUsers') // 'getUsers', then 'getUsers_2'
 */
export function uniqueIds(): (id: string) => string {
  const taken = new Set<string>()
  return (id) => {
    let candidate = id
    for (let i = 2; taken.has(candidate); i++) candidate = `${id}_${i}`
    taken.add(candidate)
    return candidate
  }
}
