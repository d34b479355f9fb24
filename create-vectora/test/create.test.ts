/** @module create-vectora/test/create — drives the real `create-vectora` bin in child processes, as `npm create` does. */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../index.js', import.meta.url))
const OWN_VERSION: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version
const TEMPLATE_FILES = ['.gitignore', 'README.md', 'package.json', 'src/app.ts', 'src/main.ts', 'test/app.test.ts', 'tsconfig.json']

interface Run { status: number; stdout: string; stderr: string }

/** Runs the bin with stdin closed (so never interactive) and returns its exit status and output. */
function run(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, VECTORA_CREATE_SKIP_INSTALL: '1', ...env }
  // `npm test` sets this; the scaffolder would then pick the package manager running the tests.
  if (!('npm_config_user_agent' in env)) delete childEnv.npm_config_user_agent
  try {
    const stdout = execFileSync(process.execPath, [BIN, ...args], {
      cwd, env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
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

const readPackage = (dir: string): { name: string; dependencies: Record<string, string> } =>
  JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))

describe('create-vectora', () => {
  let tmp: string
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'create-vectora-'))
  })
  afterEach(() => {
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
    assert.match(res.stdout, /cd my-app\n\s+npm install\n\s+npm start\n/)
  })

  it('installs with --install through the package manager given by --pm', () => {
    const res = run(['my-app', '--no-interactive', '--install', '--pm', 'pnpm'], tmp)
    assert.equal(res.status, 0, res.stderr)
    assert.match(res.stdout, /Skipping `pnpm install`/)
    assert.doesNotMatch(res.stdout, /^\s+pnpm install$/m)
    assert.match(res.stdout, /^\s+pnpm start$/m)
  })

  it('picks the package manager that launched it from npm_config_user_agent', () => {
    const res = run(['my-app', '--yes'], tmp, { npm_config_user_agent: 'yarn/4.5.0 npm/? node/v20.20.0 linux x64' })
    assert.equal(res.status, 0, res.stderr)
    assert.match(res.stdout, /^\s+yarn install$/m)
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
    assert.deepEqual(tree(dir).filter((f) => !f.startsWith('.git/')), TEMPLATE_FILES)
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

  it('scaffolds an app whose own tests pass against this repository\'s vectora', function () {
    this.timeout(60_000)
    assert.equal(run(['my-app', '--no-interactive'], tmp).status, 0)
    const dir = path.join(tmp, 'my-app')
    // Stand in for `npm install`: link the workspace's vectora and the tools the template's test script uses.
    const require = createRequire(import.meta.url)
    const modules = path.join(dir, 'node_modules')
    fs.mkdirSync(modules)
    fs.symlinkSync(fileURLToPath(new URL('../../kernel', import.meta.url)), path.join(modules, 'vectora'), 'dir')
    for (const name of ['tsx', 'mocha']) {
      fs.symlinkSync(path.dirname(require.resolve(`${name}/package.json`)), path.join(modules, name), 'dir')
    }
    const mocha = path.join(modules, 'mocha', 'bin', 'mocha.js')
    // Like the rest of the suite, run vectora from its TypeScript source (no build of kernel/ts needed).
    const out = execFileSync(process.execPath, [mocha, '--reporter', 'dot'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--conditions=@vectora/source' },
    })
    assert.match(out, /\d+ passing/)
    assert.doesNotMatch(out, /failing/)
  })
})
