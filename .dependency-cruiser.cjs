/**
 * The layering rules of the repository, checked by `npm run lint:layers` (dependency-cruiser) in CI.
 *
 * kernel/ts is cut into one folder per layer; imports point only downward, type-only imports included:
 *   base < internal < http < pipeline < lifecycle, services < contracts < routing < controllers < host < server < workers < app < testing < cli
 * The core (base, internal, http, pipeline, routing, host, server) never imports a built-in (contracts,
 * services, controllers, lifecycle) at run time: built-ins plug in through pipeline/steps.ts. Plugins
 * import only vectora's public entry, and so does the test kit (`vectora/testing`, kernel/ts/testing), which is
 * written like a third party's. No import circles anywhere (type-only ones included).
 */
'use strict'

const LAYERS = ['base', 'internal', 'http', 'pipeline', 'lifecycle|services', 'contracts', 'routing', 'controllers', 'host', 'server', 'workers', 'app', 'testing', 'cli']
const CORE = '^kernel/ts/(base|internal|http|pipeline|routing|host|server)/'
const BUILT_INS = '^kernel/ts/(contracts|services|controllers|lifecycle)/'

/** One rule per layer: nothing in it imports a layer above it. */
const upward = LAYERS.map((layer, i) => ({
  name: `no-upward-from-${layer.replace('|', '-')}`,
  severity: 'error',
  comment: `kernel/ts/${layer} is below ${LAYERS.slice(i + 1).join(', ')}: it may not import them (not even types).`,
  from: { path: `^kernel/ts/(${layer})/` },
  to: { path: i + 1 < LAYERS.length ? `^kernel/ts/(${LAYERS.slice(i + 1).join('|')})/` : '^$' },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles (type-only included) mean two files are one concept or a type is in the wrong file.',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'core-never-imports-built-ins',
      severity: 'error',
      comment: 'The core reaches the built-ins only through types; at run time they plug in through pipeline/steps.ts (create-app hands them in).',
      from: { path: CORE },
      to: { path: BUILT_INS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-index-at-top',
      severity: 'error',
      comment: 'kernel/ts holds only index.ts at its top level; every other module lives in its layer folder.',
      from: { path: '^kernel/ts/[^/]+\\.ts$', pathNot: '^kernel/ts/index\\.ts$' },
      to: {},
    },
    {
      name: 'plugins-import-only-the-public-entry',
      severity: 'error',
      comment: "A plugin is written like a third party's: it imports 'vectora', never the kernel's files.",
      from: { path: '^plugins/[^/]+/src/' },
      to: { path: '^kernel/' , pathNot: '^kernel/ts/index\\.ts$' },
    },
    {
      name: 'testing-imports-only-the-public-entry',
      severity: 'error',
      comment: "vectora/testing is the kit plugin authors use: it reaches the kernel through '../index.js' only, as their tests do.",
      from: { path: '^kernel/ts/testing/' },
      to: { path: '^kernel/ts/', pathNot: '^kernel/ts/(index\\.ts|testing/)' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|test|\\.test-build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['@vectora/source', 'import', 'types', 'default'], extensions: ['.ts', '.js'] },
    combinedDependencies: true,
  },
}
