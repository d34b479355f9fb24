/**
 * @module create-vectora/lib/vectora-spec — the `vectora` dependency the app gets (`--vectora`): a version or
 * range as given, or a local checkout linked with `file:` — then the app's other Vectora packages
 * (`@vectora/*`) and the dependencies it shares with vectora (arktype) are linked to that checkout's copies.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CreateError } from './errors.js'

/**
 * What `--vectora` asked for: `{ range }` for a version/range/tag, `{ checkout }` (the kernel folder) or
 * `{ tarball }` for local paths; `{ range: ^<ownVersion> }` without the flag (vectora and create-vectora
 * release together).
 *
 * @example
 * parseVectoraSpec('file:../vectora/kernel', '0.1.0') // { checkout: '/abs/vectora/kernel' }
 */
export function parseVectoraSpec(requested, ownVersion) {
  if (requested === undefined) return { range: `^${ownVersion}` }
  const spec = requested.trim()
  if (spec === '') throw new CreateError('CREATE_VECTORA_SPEC_INVALID', '--vectora needs a version, a range or a path (e.g. file:../vectora/kernel).')
  const local = spec.startsWith('file:') ? spec.slice('file:'.length) : /^(\.{1,2}([/\\]|$)|[/\\]|[A-Za-z]:[/\\])/.test(spec) ? spec : undefined
  if (local === undefined) return { range: spec }
  const target = path.resolve(local)
  // A tarball from `npm pack -w vectora` is taken on trust: reading it would need a tar parser.
  if (/\.(tgz|tar\.gz)$/.test(target) && fs.statSync(target, { throwIfNoEntry: false })?.isFile()) return { tarball: target }
  const pkgPath = path.join(target, 'package.json')
  const pkg = fs.existsSync(pkgPath) ? JSON.parse(fs.readFileSync(pkgPath, 'utf8')) : undefined
  if (pkg?.name !== 'vectora') {
    throw new CreateError(
      'CREATE_VECTORA_SPEC_INVALID',
      `--vectora ${spec}: ${target} is not the vectora package (in a clone of the repository it is the kernel/ folder).`,
    )
  }
  return { checkout: target }
}

/**
 * The dependency specs to write over the template's, for an app in `root`.
 *
 * With a checkout, npm links a `file:` folder without deduplicating its dependencies with the app's: the
 * app would get its own arktype next to the checkout's, and two copies of arktype's types do not match
 * (contracts would no longer type `req.params`). So every dependency the app shares with vectora, and
 * every `@vectora/*` package, points at the very copy the checkout resolves.
 *
 * @example
 * dependencySpecs({ checkout: '/src/vectora/kernel' }, '/apps/my-app', { vectora: '^0.1.0', arktype: '^2.2.9' })
 * // { vectora: 'file:../../src/vectora/kernel', arktype: 'file:../../src/vectora/node_modules/arktype' }
 */
export function dependencySpecs(spec, root, dependencies) {
  if (spec.range !== undefined) return { vectora: spec.range }
  if (spec.tarball !== undefined) return { vectora: fileSpec(root, spec.tarball) }
  const kernel = fs.realpathSync(spec.checkout)
  const shared = Object.keys(JSON.parse(fs.readFileSync(path.join(kernel, 'package.json'), 'utf8')).dependencies ?? {})
  const specs = { vectora: fileSpec(root, spec.checkout) }
  for (const name of Object.keys(dependencies)) {
    if (name === 'vectora' || !(name.startsWith('@vectora/') || shared.includes(name))) continue
    const found = resolvePackageDir(name, kernel)
    if (found === undefined) {
      if (!name.startsWith('@vectora/')) continue
      throw new CreateError(
        'CREATE_VECTORA_SPEC_INVALID',
        `--vectora ${spec.checkout}: the checkout has no ${name}, which the template needs. Run npm install at the checkout's root, or pass a version.`,
      )
    }
    specs[name] = fileSpec(root, found)
  }
  return specs
}

/** `file:<path of target relative to root>`: relative, so the app and the checkout can move together. */
function fileSpec(root, target) {
  const relative = path.relative(root, target)
  // Absolute only across Windows drives.
  if (path.isAbsolute(relative)) return `file:${relative.split(path.sep).join('/')}`
  const posix = relative.split(path.sep).join('/')
  return `file:${posix === '..' || posix.startsWith('../') ? posix : `./${posix}`}`
}

/** The real folder of package `name` as Node resolves it from `from` (node_modules up the tree), or undefined. */
function resolvePackageDir(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name)
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate)
    if (path.dirname(dir) === dir) return undefined
  }
}
