/** @module create-vectora/test/create — drives the real `create-vectora` bin in child processes, as `npm create` does. */
import assert from 'node:assert/strict'
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const BIN = fileURLToPath(new URL('../index.js', import.meta.url))
const KERNEL = fileURLToPath(new URL('../../kernel', import.meta.url))
const WORKSPACE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url))
const OWN_VERSION: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version
const TEMPLATE_FILES = ['.gitignore', 'README.md', 'package.json', 'src/app.ts', 'src/main.ts', 'test/app.test.ts', 'tsconfig.build.json', 'tsconfig.json']

interface Run {
  status: number
  stdout: string
  stderr: string
}

/** Runs the bin with stdin closed (so never interactive) and returns its exit status and output. */
function run(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, VECTORA_CREATE_SKIP_INSTALL: '1', ...env }
  // `npm test` sets this; the scaffolder would then pick the package manager running the tests.
  if (!('npm_config_user_agent' in env)) delete childEnv.npm_config_user_agent
  try {
    const stdout = execFileSync(process.execPath, [BIN, ...args], {
      cwd,
      env: childEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return { status: 0, stdout, stderr: '' }
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string }
    if (typeof e.status !== 'number') throw error
    return { status: e.status, stdout: e.stdout, stderr: e.stderr }
  }
}

/** Every file under `dir`, relative, sorted (node_modules left out). */
function tree(dir: string): string[] {
  const files: string[] = []
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(child)
      } else files.push(child)
    }
  }
  walk('')
  return files.sort()
}

interface AppPackage {
  name: string
  scripts: Record<string, string>
  dependencies: Record<string, string>
}
const readPackage = (dir: string): AppPackage => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))

/**
 * Stands in for `npm install` without a network: links the workspace's vectora (kernel/, built) and the
 * packages the template depends on from this repository's node_modules, plus the `.bin` entries its
 * scripts call.
 */
function linkModules(dir: string): void {
  const modules = path.join(dir, 'node_modules')
  fs.mkdirSync(path.join(modules, '@types'), { recursive: true })
  fs.symlinkSync(KERNEL, path.join(modules, 'vectora'), 'dir')
  for (const name of ['arktype', 'tsx', 'mocha', 'typescript', '@types/node', '@types/mocha']) {
    // The workspace hoists them to its root node_modules (arktype's exports hide its package.json from require.resolve).
    fs.symlinkSync(fs.realpathSync(path.join(WORKSPACE_MODULES, name)), path.join(modules, name), 'dir')
  }
  fs.mkdirSync(path.join(modules, '.bin'))
  fs.symlinkSync(path.join('..', 'typescript', 'bin', 'tsc'), path.join(modules, '.bin', 'tsc'))
}

/** The environment of a command run in the scaffolded app: no npm_* variables of the `npm test` running us. */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...extra }
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_OPTIONS') env[key] = value
  }
  return { ...env, ...extra }
}

/** GET over a fresh connection (no keep-alive agent left behind); resolves status and parsed JSON. */
function getJson(port: number, urlPath: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk))
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk
      const match = pattern.exec(out)
      if (match) resolve(match)
    })
    child.on('exit', (code, signal) => reject(new Error(`exited (${code ?? signal}) before printing ${pattern}:\n${out}${err}`)))
  })
}

describe('create-vectora', () => {
  let tmp: string
  const children: ChildProcess[] = []
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'create-vectora-'))
  })
  afterEach(async () => {
    // A server the test did not stop (it failed half-way) must not keep mocha alive.
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await once(child, 'exit')
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('scaffolds basic-ts into a new directory, with the package named after it', () => {
    const res = run(['my-app', '--template', 'basic-ts', '--no-interactive'], tmp)
    assert.equal(res.status, 0, res.stderr)
    const dir = path.join(tmp, 'my-app')
    assert.deepEqual(tree(dir), TEMPLATE_FILES)
    const pkg = readPackage(dir)
    assert.equal(pkg.name, 'my-app')
    assert.equal(pkg.dependencies.vectora, `^${OWN_VERSION}`)
  })

  it('renames _gitignore to .gitignore on copy', () => {
    assert.equal(run(['my-app', '--no-interactive'], tmp).status, 0)
    const dir = path.join(tmp, 'my-app')
    assert.ok(!fs.existsSync(path.join(dir, '_gitignore')))
    assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^node_modules\/$/m)
  })

  it('does not install without --install when non-interactive, and prints the next steps', () => {
    const res = run(['my-app', '--no-interactive'], tmp)
    assert.equal(res.status, 0, res.stderr)
    assert.ok(!fs.existsSync(path.join(tmp, 'my-app', 'node_modules')))
    assert.doesNotMatch(res.stdout, /install`/)
    assert.match(res.stdout, /cd my-app\n\s+npm install\n\s+npm run dev\n/)
  })

  it('installs with --install through the package manager given by --pm', () => {
    const res = run(['my-app', '--no-interactive', '--install', '--pm', 'pnpm'], tmp)
    assert.equal(res.status, 0, res.stderr)
    assert.match(res.stdout, /Skipping `pnpm install`/)
    assert.doesNotMatch(res.stdout, /^\s+pnpm install$/m)
    assert.match(res.stdout, /^\s+pnpm run dev$/m)
  })

  it('picks the package manager that launched it from npm_config_user_agent', () => {
    const res = run(['my-app', '--no-interactive'], tmp, { npm_config_user_agent: 'yarn/4.5.0 npm/? node/v20.20.0 linux x64' })
    assert.equal(res.status, 0, res.stderr)
    assert.match(res.stdout, /^\s+yarn install$/m)
  })

  it('installs with --yes, since installing is the default answer when asked', () => {
    const res = run(['my-app', '--yes'], tmp)
    assert.equal(res.status, 0, res.stderr)
    assert.match(res.stdout, /Skipping `npm install`/)
    assert.doesNotMatch(res.stdout, /^\s+npm install$/m)
  })

  it('does not install with --yes --no-install', () => {
    const res = run(['my-app', '--yes', '--no-install'], tmp)
    assert.equal(res.status, 0, res.stderr)
    assert.doesNotMatch(res.stdout, /Skipping `npm install`/)
    assert.match(res.stdout, /^\s+npm install$/m)
  })

  it('titles the scaffolded README with the project name', () => {
    assert.equal(run(['shop-api', '--no-interactive'], tmp).status, 0)
    const readme = fs.readFileSync(path.join(tmp, 'shop-api', 'README.md'), 'utf8')
    assert.equal(readme.split('\n')[0], '# shop-api')
    assert.doesNotMatch(readme, /vectora-app/)
  })

  it('lists every package the template imports in dependencies, so production installs without dev dependencies find them', () => {
    assert.equal(run(['my-app', '--no-interactive'], tmp).status, 0)
    const dir = path.join(tmp, 'my-app')
    const imported = new Set<string>()
    for (const file of tree(path.join(dir, 'src'))) {
      const source = fs.readFileSync(path.join(dir, 'src', file), 'utf8')
      for (const [, spec] of source.matchAll(/^import\s(?!type\s)[^'"]*['"]([^'"]+)['"]/gm)) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0])
      }
    }
    assert.ok(imported.has('arktype') && imported.has('vectora'), [...imported].join(', '))
    const dependencies = readPackage(dir).dependencies
    assert.deepEqual(
      [...imported].filter((name) => !(name in dependencies)),
      [],
    )
  })

  it('writes a local vectora checkout given by --vectora as a file: dependency relative to the app', () => {
    const res = run(['apps/my-app', '--no-interactive', '--vectora', KERNEL], tmp)
    assert.equal(res.status, 0, res.stderr)
    const dir = path.join(tmp, 'apps', 'my-app')
    const spec = readPackage(dir).dependencies.vectora
    assert.match(spec, /^file:\.\.\//)
    assert.equal(path.resolve(dir, spec.slice('file:'.length)), KERNEL)
    // The file: form, relative to the current directory, means the same checkout.
    assert.equal(run(['other', '--no-interactive', '--vectora', `file:${path.relative(tmp, KERNEL)}`], tmp).status, 0)
    assert.equal(path.resolve(tmp, 'other', readPackage(path.join(tmp, 'other')).dependencies.vectora.slice('file:'.length)), KERNEL)
  })

  it('points a dependency the app shares with a local vectora (arktype) at the copy that checkout uses', () => {
    // Two copies of arktype's types do not match: contracts would no longer type req.params.
    assert.equal(run(['my-app', '--no-interactive', '--vectora', KERNEL], tmp).status, 0)
    const dir = path.join(tmp, 'my-app')
    const spec = readPackage(dir).dependencies.arktype
    assert.match(spec, /^file:/)
    assert.equal(path.resolve(dir, spec.slice('file:'.length)), fs.realpathSync(path.join(WORKSPACE_MODULES, 'arktype')))
  })

  it('writes a --vectora version or tag as given', () => {
    assert.equal(run(['my-app', '--no-interactive', '--vectora', '0.2.0-next.1'], tmp).status, 0)
    const pkg = readPackage(path.join(tmp, 'my-app'))
    assert.equal(pkg.dependencies.vectora, '0.2.0-next.1')
    assert.doesNotMatch(pkg.dependencies.arktype, /^file:/)
  })

  it('refuses a --vectora path that is not the vectora package, creating nothing', () => {
    const res = run(['my-app', '--no-interactive', '--vectora', fileURLToPath(new URL('..', import.meta.url))], tmp)
    assert.equal(res.status, 1)
    assert.match(res.stderr, /is not the vectora package \(in a clone of the repository it is the kernel\/ folder\)/)
    assert.deepEqual(fs.readdirSync(tmp), [])
  })

  it('names the package after the current directory when the target is "."', () => {
    const dir = path.join(tmp, 'here-app')
    fs.mkdirSync(dir)
    const res = run(['.', '--no-interactive'], dir)
    assert.equal(res.status, 0, res.stderr)
    assert.equal(readPackage(dir).name, 'here-app')
    assert.doesNotMatch(res.stdout, /\bcd /)
  })

  it('treats a directory holding only .git as empty', () => {
    const dir = path.join(tmp, 'repo')
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true })
    assert.equal(run(['repo', '--no-interactive'], tmp).status, 0)
    assert.deepEqual(
      tree(dir).filter((f) => !f.startsWith('.git/')),
      TEMPLATE_FILES,
    )
  })

  it('refuses a non-empty directory without --overwrite and leaves it untouched', () => {
    const dir = path.join(tmp, 'busy')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me')
    const res = run(['busy', '--no-interactive'], tmp)
    assert.equal(res.status, 1)
    assert.match(res.stderr, /directory busy is not empty/)
    assert.match(res.stderr, /--overwrite/)
    assert.deepEqual(tree(dir), ['notes.txt'])
  })

  it('writes into a non-empty directory with --overwrite, keeping unrelated files', () => {
    const dir = path.join(tmp, 'busy')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me')
    fs.writeFileSync(path.join(dir, 'README.md'), 'old readme')
    const res = run(['busy', '--no-interactive', '--overwrite'], tmp)
    assert.equal(res.status, 0, res.stderr)
    assert.deepEqual(tree(dir), [...TEMPLATE_FILES, 'notes.txt'].sort())
    assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'keep me')
    assert.notEqual(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), 'old readme')
  })

  it('rejects a directory name that is not a valid npm package name, creating nothing', () => {
    const res = run(['My App', '--no-interactive'], tmp)
    assert.equal(res.status, 1)
    assert.match(res.stderr, /"My App" is not a valid npm package name \(it has capital letters\)/)
    assert.match(res.stderr, /e\.g\. "my-app"/)
    assert.deepEqual(fs.readdirSync(tmp), [])
  })

  it('rejects names that npm reserves or that are not URL-safe', () => {
    assert.match(run(['http', '--no-interactive'], tmp).stderr, /reserved name/)
    assert.match(run(['_private', '--no-interactive'], tmp).stderr, /starts with "\." or "_"/)
    assert.match(run(['a#b', '--no-interactive'], tmp).stderr, /not URL-safe/)
    assert.deepEqual(fs.readdirSync(tmp), [])
  })

  it('rejects an unknown template, listing the available ones', () => {
    const res = run(['my-app', '--template', 'nope', '--no-interactive'], tmp)
    assert.equal(res.status, 1)
    assert.match(res.stderr, /unknown template "nope"\. Available templates: basic-ts/)
    assert.deepEqual(fs.readdirSync(tmp), [])
  })

  it('rejects an unknown package manager and an unknown flag', () => {
    assert.match(run(['my-app', '--pm', 'npx', '--no-interactive'], tmp).stderr, /unknown package manager "npx"/)
    const res = run(['my-app', '--bogus'], tmp)
    assert.equal(res.status, 1)
    assert.match(res.stderr, /Unknown option '--bogus'/)
    assert.match(res.stderr, /Usage: create-vectora/)
  })

  it('prints usage with --help and the version with --version', () => {
    const help = run(['--help'], tmp)
    assert.equal(help.status, 0)
    assert.match(help.stdout, /Usage: create-vectora \[dir\]/)
    assert.match(help.stdout, /--no-interactive/)
    assert.equal(run(['--version'], tmp).stdout.trim(), OWN_VERSION)
    assert.deepEqual(fs.readdirSync(tmp), [])
  })

  it("scaffolds an app whose own tests pass against this repository's vectora", function () {
    this.timeout(60_000)
    assert.equal(run(['my-app', '--no-interactive'], tmp).status, 0)
    const dir = path.join(tmp, 'my-app')
    linkModules(dir)
    const mocha = path.join(dir, 'node_modules', 'mocha', 'bin', 'mocha.js')
    // Like the rest of the suite, run vectora from its TypeScript source (no build of kernel/ts needed).
    const out = execFileSync(process.execPath, [mocha, '--reporter', 'dot'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--conditions=@vectora/source' },
    })
    assert.match(out, /\d+ passing/)
    assert.doesNotMatch(out, /failing/)
  })

  it('builds the app to dist/ with its build script, and plain node serves dist/main.js over a socket until SIGTERM', async function () {
    this.timeout(60_000)
    assert.ok(fs.existsSync(path.join(KERNEL, 'dist', 'index.js')), 'needs the built vectora package: run `npm run build` at the repository root')
    assert.equal(run(['my-app', '--no-interactive', '--vectora', KERNEL], tmp).status, 0)
    const dir = path.join(tmp, 'my-app')
    linkModules(dir)
    const pkg = readPackage(dir)
    // What docs/deploy.md tells users to run: the start script must not need tsx (a dev dependency).
    assert.equal(pkg.scripts.start, 'node dist/main.js')

    const npm = (script: string) => promisify(execFile)('npm', ['run', script], { cwd: dir, env: appEnv(), shell: process.platform === 'win32' })
    await npm('typecheck') // src and test, against vectora's published types (dist/index.d.ts)
    await npm('build')
    assert.deepEqual(tree(path.join(dir, 'dist')), ['app.js', 'main.js'])

    // Plain node (no tsx, no source condition): the compiled app and vectora's published entry point.
    const server = spawn(process.execPath, ['dist/main.js'], { cwd: dir, env: appEnv({ HOST: '127.0.0.1', PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(server)
    const [, port] = await waitForOutput(server, /listening on http:\/\/127\.0\.0\.1:(\d+)/)
    assert.deepEqual(await getJson(Number(port), '/'), { status: 200, body: { hello: 'world' } })
    // The arktype contract runs in the compiled code too: the id arrives as a number.
    assert.deepEqual(await getJson(Number(port), '/users/1'), { status: 200, body: { id: 1, name: 'Ada' } })

    server.kill('SIGTERM')
    const [code] = await once(server, 'exit')
    assert.equal(code, 0)
  })
})
