/**
 * @module @vectora/openapi/openapi — the plugin: at register it checks its options and adds its routes (the JSON and
 * YAML document, the docs page and its assets, all behind the `guards` option); at ready, when the route table
 * is frozen, it builds the document once and serves the cached bytes.
 */
import { definePlugin, type RouteOptions } from 'vectora'
import { stringify } from 'yaml'
import { type Asset, createAsset, REVALIDATE, serveAsset } from './asset.js'
import { docsPaths, findSwaggerUi, loadDocsPage } from './docs-page.js'
import { buildDocument } from './document.js'
import { type OpenApiOptions, PLUGIN_NAME, resolveOptions } from './options.js'

const VERSION = '0.1.0'

/**
 * The OpenAPI plugin: `GET /openapi.json` (and `/openapi.yaml` with `yaml: true`) serves the OpenAPI 3.1.0
 * document of the app's routes, `GET /docs` a Swagger UI page. Register it on the app: it documents every
 * route of the app, wherever it is registered.
 *
 * @example
 * import { type } from 'arktype'
 * import { createApp } from 'vectora'
 * import { openapi } from '@vectora/openapi'
 *
 * const app = createApp()
 * app.register(openapi, { info: { title: 'Notes', version: '1.0.0' } })
 * app.get('/notes/:id', { schema: { params: type({ id: 'string.integer.parse' }) }, docs: { summary: 'One note' } }, (req) => ({ id: req.params.id }))
 * await app.listen({ port: 3000 }) // http://127.0.0.1:3000/docs
 */
export const openapi = definePlugin<OpenApiOptions | undefined>({
  name: PLUGIN_NAME,
  version: VERSION,
  setup(app, options) {
    const config = resolveOptions(options)
    const served = new Map<string, Asset>()
    const route: RouteOptions = { guards: config.guards }
    const serve = (path: string): void => void app.get(path, route, (req) => serveAsset(served.get(path)!, req))

    if (config.jsonPath !== undefined) serve(config.jsonPath)
    if (config.yamlPath !== undefined) serve(config.yamlPath)
    const dist = config.docsPath === undefined ? undefined : findSwaggerUi()
    const paths = dist === undefined ? undefined : docsPaths(config.docsPath!, dist)
    if (paths !== undefined) for (const path of Object.values(paths)) serve(path)

    app.onReady(async () => {
      const document = buildDocument(app, config)
      const json = JSON.stringify(document)
      if (config.jsonPath !== undefined) served.set(config.jsonPath, createAsset(json, 'application/json; charset=utf-8', REVALIDATE))
      if (config.yamlPath !== undefined) {
        // No anchors and aliases for objects the document shares: plain YAML every tool reads.
        served.set(config.yamlPath, createAsset(stringify(document, { aliasDuplicateObjects: false }), 'application/yaml; charset=utf-8', REVALIDATE))
      }
      if (paths !== undefined) {
        const pageAssets = await loadDocsPage(paths, dist!, config.jsonPath ?? config.yamlPath!, config.info.title)
        for (const [path, asset] of pageAssets) served.set(path, asset)
      }
    })
  },
})
