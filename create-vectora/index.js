#!/usr/bin/env node
/**
 * @module create-vectora — `npm create vectora`: scaffolds a Vectora app from a bundled template.
 *
 * Plain ESM with zero runtime dependencies, so `npm create` installs nothing but this package.
 * Templates live in ./templates/<name>/ and ship inside the package (no network at scaffold time).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { createInterface } from 'node:readline/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url))
const OWN = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
/** npm never publishes a `.gitignore`, so templates store it as `_gitignore`. */
const RENAME = { _gitignore: '.gitignore' }
const DEFAULT_DIR = 'vectora-app'
const DEFAULT_TEMPLATE = 'basic-ts'
const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun']

const USAGE = `Usage: create-vectora [dir] [options]

Scaffolds a Vectora app into <dir> (default: ${DEFAULT_DIR}).

Options:
  -t, --template <name>   template to use (${listTemplates().join(', ')}; default: ${DEFAULT_TEMPLATE})
      --interactive       ask questions (default when stdin is a terminal)
      --no-interactive    never ask; use the flags and the defaults
  -i, --install           install dependencies after scaffolding (the default with --yes)
      --no-install        do not install (the default without a terminal, unless --yes)
  -p, --pm <name>         package manager: ${PACKAGE_MANAGERS.join(', ')} (default: the one running this)
      --vectora <spec>    the app's vectora dependency (default: ^${OWN.version}); a path or
                          file:<path> links a local checkout, e.g. file:../vectora/kernel
                          (and the app's arktype to the checkout's copy)
      --overwrite         write into a non-empty directory (template files replace
                          files of the same name; other files are kept)
  -y, --yes               accept every default without asking, installing included
                          (implies --no-interactive; --no-install still wins)
  -v, --version           print the version
  -h, --help              print this help

Examples:
  npm create vectora@latest my-app
  npm create vectora@latest my-app -- --template basic-ts --no-interactive --install
  node create-vectora/index.js ../my-app --vectora ./kernel   (from a clone of the repository)
`

/** A failure the user can fix; printed without a stack trace. */
class UsageError extends Error {}

main().catch((error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`create-vectora: ${error.message}\n`)
  } else {
    process.stderr.write(`create-vectora: unexpected error\n${error?.stack ?? error}\n`)
  }
  process.exitCode = 1
})

async function main() {
  const { values, positionals } = parseCli(process.argv.slice(2))
  if (values.help) return void process.stdout.write(USAGE)
  if (values.version) return void process.stdout.write(`${OWN.version}\n`)
  if (positionals.length > 1) throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.join(' ')}`)

  const interactive = !values.yes && (values.interactive ?? process.stdin.isTTY === true)
  const prompt = interactive ? createPrompt() : undefined
  try {
    const dirArg = positionals[0] ?? (prompt ? await prompt.ask('Project directory', DEFAULT_DIR) : DEFAULT_DIR)
    const root = path.resolve(dirArg)
    const template = await chooseTemplate(values.template, prompt)
    const pm = choosePackageManager(values.pm)
    const vectora = vectoraSpec(values.vectora, root)
    const name = await chooseName(root, prompt)

    if (!isEmptyDir(root) && !values.overwrite) {
      const ok = prompt && (await prompt.confirm(`Directory ${display(root)} is not empty. Write the template into it anyway?`, false))
      if (!ok) {
        throw new UsageError(
          `directory ${display(root)} is not empty. Choose another directory, or pass --overwrite to write the ` +
            'template into it (files of the same name are replaced, other files are kept).',
        )
      }
    }
    // The question's default is yes, so --yes (every default) installs too; without a terminal and
    // without --yes nothing is installed unless asked, as a script may not expect network access.
    const install = values.install ?? (prompt ? await prompt.confirm(`Install dependencies with ${pm}?`, true) : values.yes === true)
    prompt?.close()

    scaffold(path.join(TEMPLATES_DIR, template), root, name, vectora)
    process.stdout.write(`\nScaffolded ${name} (template ${template}) in ${display(root)}\n`)
    if (install) runInstall(pm, root)
    printNextSteps(root, pm, install)
  } finally {
    prompt?.close()
  }
}

function parseCli(args) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options: {
        template: { type: 'string', short: 't' },
        interactive: { type: 'boolean' },
        install: { type: 'boolean', short: 'i' },
        pm: { type: 'string', short: 'p' },
        vectora: { type: 'string' },
        overwrite: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new UsageError(`${error.message}\n\n${USAGE}`)
  }
}

function listTemplates() {
  return fs
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

async function chooseTemplate(requested, prompt) {
  const templates = listTemplates()
  if (requested === undefined && prompt && templates.length > 1) {
    for (const [i, t] of templates.entries()) process.stdout.write(`  ${i + 1}) ${t}\n`)
    const answer = await prompt.ask('Template (number or name)', DEFAULT_TEMPLATE)
    requested = templates[Number(answer) - 1] ?? answer
  }
  const template = requested ?? DEFAULT_TEMPLATE
  if (!templates.includes(template)) {
    throw new UsageError(`unknown template "${template}". Available templates: ${templates.join(', ')}.`)
  }
  return template
}

/** --pm, else the package manager that launched us (`npm_config_user_agent` is `pnpm/9.1.0 npm/? node/...`). */
function choosePackageManager(requested) {
  const detected = (process.env.npm_config_user_agent ?? '').split('/')[0]
  const pm = requested ?? (PACKAGE_MANAGERS.includes(detected) ? detected : 'npm')
  if (!PACKAGE_MANAGERS.includes(pm)) {
    throw new UsageError(`unknown package manager "${pm}". Use one of: ${PACKAGE_MANAGERS.join(', ')}.`)
  }
  return pm
}

/** The package name is the directory's name; it must be a valid npm name for a new package. */
async function chooseName(root, prompt) {
  let name = path.basename(root)
  let problem = npmNameProblem(name)
  while (problem && prompt) {
    process.stdout.write(`"${name}" cannot be a package name: ${problem}.\n`)
    name = await prompt.ask('Package name', toValidName(name))
    problem = npmNameProblem(name)
  }
  if (problem) {
    throw new UsageError(
      `"${name}" is not a valid npm package name (${problem}); the package is named after the directory. ` +
        `Choose another directory name, e.g. "${toValidName(name)}".`,
    )
  }
  return name
}

/**
 * Why `name` is not a valid name for a new npm package, or undefined. The rules of
 * validate-npm-package-name (new packages): 1-214 chars, lower case, URL-safe, no leading
 * `.` or `_`, none of ~'!()*, not a Node builtin, optionally `@scope/name`.
 */
function npmNameProblem(name) {
  if (name.length === 0) return 'it is empty'
  if (name.length > 214) return 'it is longer than 214 characters'
  if (name.trim() !== name) return 'it has leading or trailing spaces'
  if (/^[._]/.test(name)) return 'it starts with "." or "_"'
  if (name !== name.toLowerCase()) return 'it has capital letters'
  if (/[~'!()*]/.test(name)) return `it contains one of ~'!()*`
  if (['node_modules', 'favicon.ico'].includes(name) || builtinModules.includes(name)) return 'it is a reserved name'
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name)
  const parts = scoped ? [scoped[1], scoped[2]] : [name]
  if (parts.some((part) => /^[._]/.test(part) || encodeURIComponent(part) !== part)) {
    return 'it contains characters that are not URL-safe (use a-z, 0-9, "-", "." and "_")'
  }
  return undefined
}

function toValidName(name) {
  const cleaned = name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._]+/, '')
    .replace(/[^a-z0-9\-._~]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
  return cleaned === '' || npmNameProblem(cleaned) ? DEFAULT_DIR : cleaned
}

/** A directory that does not exist, is empty, or holds only `.git` counts as empty. */
function isEmptyDir(dir) {
  if (!fs.existsSync(dir)) return true
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${display(dir)} exists and is not a directory.`)
  return fs.readdirSync(dir).every((entry) => entry === '.git')
}

/**
 * The `vectora` dependency to write, and `links`: other dependencies to point at a local checkout's copies.
 * Default `^<our version>`: vectora and create-vectora release together
 * (fixed versioning), so our version is vectora's. A local path (`./x`, `../x`, `/x`, or `file:<path>`) is
 * resolved against the current directory and written relative to the new app, so `npm install` there links
 * that checkout (or that `npm pack` tarball); anything else (a version, range or tag) is written as given.
 */
function vectoraSpec(requested, root) {
  if (requested === undefined) return { vectora: `^${OWN.version}`, links: {} }
  const spec = requested.trim()
  if (spec === '') throw new UsageError('--vectora needs a version, a range or a path (e.g. file:../vectora/kernel).')
  const local = spec.startsWith('file:') ? spec.slice('file:'.length) : /^(\.{1,2}([/\\]|$)|[/\\]|[A-Za-z]:[/\\])/.test(spec) ? spec : undefined
  if (local === undefined) return { vectora: spec, links: {} }
  const target = path.resolve(local)
  const pkgPath = path.join(target, 'package.json')
  const pkg = fs.existsSync(pkgPath) ? JSON.parse(fs.readFileSync(pkgPath, 'utf8')) : undefined
  // A tarball from `npm pack -w vectora` is taken on trust: reading it would need a tar parser.
  const tarball = /\.(tgz|tar\.gz)$/.test(target) && fs.statSync(target, { throwIfNoEntry: false })?.isFile()
  if (!tarball && pkg?.name !== 'vectora') {
    throw new UsageError(`--vectora ${spec}: ${display(target)} is not the vectora package (in a clone of the repository it is the kernel/ folder).`)
  }
  const links = {}
  if (!tarball) {
    // npm links a file: directory without deduplicating its dependencies with the app's: the app would get
    // its own arktype next to the one the checkout uses, and two copies of arktype's types do not match
    // (route contracts would type req.params as strings). So a dependency the app shares with vectora is
    // linked to the very copy the checkout resolves.
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const found = resolvePackageDir(name, fs.realpathSync(target))
      if (found !== undefined) links[name] = fileSpec(root, found)
    }
  }
  return { vectora: fileSpec(root, target), links }
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

function scaffold(from, to, name, { vectora, links }) {
  copyDir(from, to)
  const pkgPath = path.join(to, 'package.json')
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'))
  pkg.name = name
  if (pkg.dependencies?.vectora) pkg.dependencies.vectora = vectora
  for (const [dep, spec] of Object.entries(links)) {
    if (pkg.dependencies?.[dep]) pkg.dependencies[dep] = spec
  }
  fs.writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`)
  // The template's README is titled with the template's placeholder name; the app's is titled with its own.
  const readmePath = path.join(to, 'README.md')
  if (fs.existsSync(readmePath)) {
    fs.writeFileSync(readmePath, fs.readFileSync(readmePath, 'utf8').replace(/^# .*$/m, `# ${name}`))
  }
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true })
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    const target = path.join(to, RENAME[entry.name] ?? entry.name)
    if (entry.isDirectory()) copyDir(source, target)
    else fs.copyFileSync(source, target)
  }
}

function runInstall(pm, cwd) {
  const command = `${pm} install`
  if (process.env.VECTORA_CREATE_SKIP_INSTALL === '1') {
    process.stdout.write(`Skipping \`${command}\` (VECTORA_CREATE_SKIP_INSTALL=1)\n`)
    return
  }
  process.stdout.write(`\nRunning \`${command}\`...\n`)
  // A shell only on Windows, where npm/pnpm/yarn are .cmd shims.
  const result = spawnSync(pm, ['install'], { cwd, stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}`
    throw new UsageError(`\`${command}\` failed (${why}). The project is in place; run it again by hand.`)
  }
}

function printNextSteps(root, pm, installed) {
  const rel = path.relative(process.cwd(), root)
  const steps = []
  if (rel !== '') steps.push(`cd ${rel.includes(' ') ? JSON.stringify(rel) : rel}`)
  if (!installed) steps.push(`${pm} install`)
  // `dev` runs the TypeScript directly (restarting on change); `start` needs `build` first.
  // `bun test` would run bun's own test runner, not the package script.
  steps.push(`${pm} run dev`, pm === 'bun' ? 'bun run test' : `${pm} test`)
  process.stdout.write(`\nNext steps:\n${steps.map((s) => `  ${s}\n`).join('')}`)
}

function display(dir) {
  return path.relative(process.cwd(), dir) || '.'
}

/** Questions over node:readline/promises; only used when stdin is a terminal. */
function createPrompt() {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  rl.on('SIGINT', () => {
    process.stdout.write('\nCancelled.\n')
    process.exit(130)
  })
  let closed = false
  rl.on('close', () => (closed = true))
  const question = async (text) => {
    if (closed) throw new UsageError('cancelled (input closed).')
    try {
      return (await rl.question(text)).trim()
    } catch (error) {
      // Ctrl+D rejects the pending question with an AbortError.
      if (error?.name === 'AbortError') throw new UsageError('cancelled.')
      throw error
    }
  }
  return {
    async ask(label, fallback) {
      return (await question(`${label} (${fallback}): `)) || fallback
    },
    async confirm(label, fallback) {
      const answer = (await question(`${label} ${fallback ? '(Y/n)' : '(y/N)'} `)).toLowerCase()
      return answer === '' ? fallback : answer === 'y' || answer === 'yes'
    },
    close() {
      if (!closed) rl.close()
    },
  }
}
