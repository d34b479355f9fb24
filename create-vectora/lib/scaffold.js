/**
 * @module create-vectora/lib/scaffold — writes the app so that it is never half-written: the template is
 * copied into a staging folder next to the target and moved into place at the end, with renames on one file
 * system. A failure undoes what was moved; a crash (SIGKILL, power) leaves at most the hidden staging folder
 * `.<name>.create-vectora-XXXXXX` beside the target, never a partial app in it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CreateError } from './errors.js'

/** npm never publishes a `.gitignore` (it renames it `.npmignore`), so templates store it as `_gitignore`. */
export const RENAMED_ON_COPY = Object.freeze({ _gitignore: '.gitignore' })

/** What `--overwrite` keeps of a non-empty target: its git history. */
const KEPT = ['.git']

/**
 * The target as found: `exists`, and `entries` (what `--overwrite` would replace: everything but `.git`).
 * A file where the folder should be is an error.
 *
 * @example
 * inspectTarget('/work/my-app') // { exists: false, entries: [] }
 */
export function inspectTarget(root) {
  let stat
  try {
    stat = fs.statSync(root, { throwIfNoEntry: false })
  } catch (error) {
    if (error?.code !== 'ENOTDIR') throw error
    throw new CreateError('CREATE_NOT_A_DIRECTORY', `a parent of ${root} is a file, not a directory. Choose another place.`)
  }
  if (stat === undefined) return { exists: false, entries: [] }
  if (!stat.isDirectory()) throw new CreateError('CREATE_NOT_A_DIRECTORY', `${root} exists and is not a directory. Choose another name.`)
  return { exists: true, entries: fs.readdirSync(root).filter((entry) => !KEPT.includes(entry)) }
}

/**
 * Writes template `templateDir` as app `name` into `root`, with `dependencies` written over the template's
 * package.json dependencies. An existing `root` has its contents replaced (everything but `.git`); the caller
 * checks `--overwrite` first.
 *
 * @example
 * writeApp({ templateDir: '/pkg/templates/minimal', root: '/work/my-app', name: 'my-app', dependencies: { vectora: '^0.1.0' } })
 */
export function writeApp({ templateDir, root, name, dependencies }) {
  const parent = path.dirname(root)
  let createdParent
  let stage
  try {
    createdParent = fs.mkdirSync(parent, { recursive: true })
    stage = makeStage(root, parent)
    const fresh = path.join(stage, 'app')
    copyTemplate(templateDir, fresh)
    personalize(fresh, name, dependencies)
    moveIntoPlace(fresh, root, path.join(stage, 'replaced'), { skip: path.basename(stage) })
  } catch (error) {
    // Folders this run created above the app hold nothing else: take them away with the rest.
    if (createdParent !== undefined) fs.rmSync(createdParent, { recursive: true, force: true })
    if (error instanceof CreateError) throw error
    throw new CreateError('CREATE_WRITE_FAILED', `could not write ${root}: ${error.message}. Nothing was left half-written; fix the cause and run again.`)
  } finally {
    if (stage !== undefined) fs.rmSync(stage, { recursive: true, force: true })
  }
}

/**
 * Moves the staged app `fresh` into `root`. A missing `root` is one rename. An existing one: its entries
 * (but `.git` and `skip`) go to `replaced`, then the staged entries come in; if a rename fails, everything
 * moved goes back where it was and the error is rethrown. `rename` is a parameter so a test can make it fail.
 *
 * @example
 * moveIntoPlace('/work/.app.create-vectora-x/app', '/work/app', '/work/.app.create-vectora-x/replaced')
 */
export function moveIntoPlace(fresh, root, replaced, { skip, rename = fs.renameSync } = {}) {
  if (!fs.existsSync(root)) return rename(fresh, root)
  const old = fs.readdirSync(root).filter((entry) => !KEPT.includes(entry) && entry !== skip)
  const moved = []
  const placed = []
  try {
    if (old.length > 0) fs.mkdirSync(replaced)
    for (const entry of old) {
      rename(path.join(root, entry), path.join(replaced, entry))
      moved.push(entry)
    }
    for (const entry of fs.readdirSync(fresh)) {
      rename(path.join(fresh, entry), path.join(root, entry))
      placed.push(entry)
    }
  } catch (error) {
    for (const entry of placed.reverse()) fs.rmSync(path.join(root, entry), { recursive: true, force: true })
    for (const entry of moved.reverse()) fs.renameSync(path.join(replaced, entry), path.join(root, entry))
    throw error
  }
}

/**
 * The staging folder: beside the target (the same file system, so moving is a rename), else inside an
 * existing target when its parent cannot be written to.
 */
function makeStage(root, parent) {
  try {
    return fs.mkdtempSync(path.join(parent, `.${path.basename(root)}.create-vectora-`))
  } catch (error) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes(error?.code) || !fs.existsSync(root)) throw error
    return fs.mkdtempSync(path.join(root, '.create-vectora-'))
  }
}

function copyTemplate(from, to) {
  fs.mkdirSync(to, { recursive: true })
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    const target = path.join(to, RENAMED_ON_COPY[entry.name] ?? entry.name)
    if (entry.isDirectory()) copyTemplate(source, target)
    else fs.copyFileSync(source, target)
  }
}

/** The package is named after the app; its README is titled with that name; dependency specs are applied. */
function personalize(dir, name, dependencies) {
  const pkgPath = path.join(dir, 'package.json')
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'))
  pkg.name = name
  for (const [dep, spec] of Object.entries(dependencies)) {
    if (pkg.dependencies?.[dep] !== undefined) pkg.dependencies[dep] = spec
  }
  fs.writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`)
  const readmePath = path.join(dir, 'README.md')
  if (fs.existsSync(readmePath)) {
    fs.writeFileSync(readmePath, fs.readFileSync(readmePath, 'utf8').replace(/^# .*$/m, `# ${name}`))
  }
}

/**
 * The template's dependencies (for `--vectora` links).
 *
 * @example
 * templateDependencies('/pkg/templates/api') // { '@vectora/cors': '^0.1.0', ... }
 */
export function templateDependencies(templateDir) {
  return JSON.parse(fs.readFileSync(path.join(templateDir, 'package.json'), 'utf8')).dependencies ?? {}
}
