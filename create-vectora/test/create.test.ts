/**
 * @module create-vectora/test/create — the bin without a terminal, as CI, scripts and `npm create ... -- --yes`
 * run it: flags, defaults, refusals with their codes and exit codes, `--overwrite`, `git init`, `--vectora`,
 * and the all-or-nothing write.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ERROR_CODES } from '../lib/errors.js'
import { moveIntoPlace } from '../lib/scaffold.js'
import { KERNEL, OWN_VERSION, readPackage, run, tempDir, templateFiles, tree } from './helpers.js'

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('create-vectora without a terminal', () => {
  let tmp: string
  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

  describe('scaffolding', () => {
    it('writes the api template with --yes --no-install, stdin not a terminal, and runs git init', () => {
      const res = run(['my-app', '--template', 'api', '--yes', '--no-install'], tmp)
      assert.equal(res.status, 0, res.stderr)
      const dir = path.join(tmp, 'my-app')
      assert.deepEqual(tree(dir), [...templateFiles('api'), '.git/'].sort())
      assert.ok(fs.existsSync(path.join(dir, '.git', 'HEAD')))
      assert.match(res.stdout, /Initialized a git repository/)
      assert.doesNotMatch(res.stdout, /Skipping `npm install`/)
      assert.match(res.stdout, /cd my-app\n\s+npm install\n\s+npm run dev\n\s+npm test\n/)
    })

    it('writes the minimal template by default, the package named after the directory, vectora at this version', () => {
      const res = run(['shop'], tmp)
      assert.equal(res.status, 0, res.stderr)
      const dir = path.join(tmp, 'shop')
      assert.deepEqual(tree(dir), templateFiles('minimal'))
      const pkg = readPackage(dir)
      assert.equal(pkg.name, 'shop')
      assert.equal(pkg.dependencies.vectora, `^${OWN_VERSION}`)
      assert.equal(fs.readFileSync(path.join(dir, 'README.md'), 'utf8').split('\n')[0], '# shop')
    })

    it('accepts basic-ts, the template name of earlier releases, as minimal', () => {
      assert.equal(run(['old', '--template', 'basic-ts'], tmp).status, 0)
      assert.deepEqual(tree(path.join(tmp, 'old')), templateFiles('minimal'))
    })

    it('renames _gitignore to .gitignore, since npm does not publish a .gitignore', () => {
      assert.equal(run(['my-app', '-t', 'api'], tmp).status, 0)
      const dir = path.join(tmp, 'my-app')
      assert.ok(!fs.existsSync(path.join(dir, '_gitignore')))
      const ignored = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')
      for (const entry of ['node_modules/', 'dist/', 'data/', '.env']) assert.ok(ignored.includes(entry), entry)
    })

    it('gives every template a README, start, test, dev and typecheck scripts, and the dependencies it imports', () => {
      for (const template of ['minimal', 'api']) {
        assert.equal(run([template, '-t', template], tmp).status, 0)
        const dir = path.join(tmp, template)
        const pkg = readPackage(dir)
        assert.deepEqual(
          ['dev', 'start', 'test', 'typecheck'].filter((s) => !pkg.scripts[s]),
          [],
          template,
        )
        assert.equal(pkg.scripts.typecheck, 'tsc --noEmit')
        assert.ok(fs.existsSync(path.join(dir, 'README.md')))
        // Every package src/ imports at run time is a dependency (not a dev one): `npm ci --omit=dev` finds it.
        const imported = new Set<string>()
        for (const file of tree(path.join(dir, 'src'))) {
          const source = fs.readFileSync(path.join(dir, 'src', file), 'utf8')
          for (const [, spec] of source.matchAll(/^import\s(?!type\s)[^'"]*['"]([^'"]+)['"]/gm)) {
            if (spec!.startsWith('.') || spec!.startsWith('node:')) continue
            imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!)
          }
        }
        assert.deepEqual(
          [...imported].filter((name) => !(name in pkg.dependencies)),
          [],
          template,
        )
        assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ['@types/mocha', '@types/node', 'mocha', 'tsx', 'typescript'])
      }
    })

    it('pins the api template to every plugin it uses, at the version vectora releases with', () => {
      assert.equal(run(['api', '-t', 'api'], tmp).status, 0)
      const { dependencies } = readPackage(path.join(tmp, 'api'))
      const plugins = ['cors', 'db', 'jwt', 'logger', 'openapi', 'otel', 'policy', 'rate-limit']
      assert.deepEqual(
        Object.keys(dependencies)
          .filter((d) => d.startsWith('@vectora/'))
          .sort(),
        plugins.map((p) => `@vectora/${p}`),
      )
      for (const plugin of plugins) assert.equal(dependencies[`@vectora/${plugin}`], `^${OWN_VERSION}`, plugin)
    })

    it('names the package after the current directory when the target is "."', () => {
      const dir = path.join(tmp, 'here-app')
      fs.mkdirSync(dir)
      const res = run(['.'], dir)
      assert.equal(res.status, 0, res.stderr)
      assert.equal(readPackage(dir).name, 'here-app')
      assert.doesNotMatch(res.stdout, /\bcd /)
    })

    it('creates missing parent folders', () => {
      assert.equal(run(['apps/web/my-app'], tmp).status, 0)
      assert.equal(readPackage(path.join(tmp, 'apps', 'web', 'my-app')).name, 'my-app')
    })

    it('leaves no staging folder behind', () => {
      assert.equal(run(['my-app', '--yes', '--no-install'], tmp).status, 0)
      assert.deepEqual(fs.readdirSync(tmp), ['my-app'])
    })
  })

  describe('install and git', () => {
    it('installs and runs git init with --yes, as the questions default to yes', () => {
      const res = run(['my-app', '--yes'], tmp)
      assert.equal(res.status, 0, res.stderr)
      assert.match(res.stdout, /Skipping `npm install`/)
      assert.ok(fs.existsSync(path.join(tmp, 'my-app', '.git')))
      assert.doesNotMatch(res.stdout, /^\s+npm install$/m)
    })

    it('neither installs nor runs git init without --yes, --install or --git', () => {
      const res = run(['my-app'], tmp)
      assert.equal(res.status, 0, res.stderr)
      assert.doesNotMatch(res.stdout, /install`/)
      assert.ok(!fs.existsSync(path.join(tmp, 'my-app', '.git')))
      assert.match(res.stdout, /^\s+npm install$/m)
    })

    it('skips git init with --yes --no-git, and inside an existing git work tree', () => {
      assert.equal(run(['one', '--yes', '--no-git'], tmp).status, 0)
      assert.ok(!fs.existsSync(path.join(tmp, 'one', '.git')))
      assert.equal(run(['mono', '--git'], tmp).status, 0)
      const res = run(['mono/packages/two', '--git'], tmp)
      assert.equal(res.status, 0, res.stderr)
      assert.match(res.stdout, /inside a git work tree already: skipped `git init`/)
      assert.ok(!fs.existsSync(path.join(tmp, 'mono', 'packages', 'two', '.git')))
    })

    it('installs through the package manager of --pm, and prints its next steps', () => {
      const res = run(['my-app', '--install', '--pm', 'pnpm'], tmp)
      assert.equal(res.status, 0, res.stderr)
      assert.match(res.stdout, /Skipping `pnpm install`/)
      assert.match(res.stdout, /^\s+pnpm run dev$/m)
    })

    it('picks the package manager that launched it from npm_config_user_agent', () => {
      const res = run(['my-app'], tmp, { npm_config_user_agent: 'yarn/4.5.0 npm/? node/v20.20.0 linux x64' })
      assert.equal(res.status, 0, res.stderr)
      assert.match(res.stdout, /^\s+yarn install$/m)
    })

    it('fails with CREATE_INSTALL_FAILED and exit code 1 when the install fails, the app staying in place', () => {
      const bin = path.join(tmp, 'bin')
      fs.mkdirSync(bin)
      // A package manager on PATH that fails, standing in for a network error.
      fs.writeFileSync(path.join(bin, 'pnpm'), '#!/bin/sh\necho "no network" >&2\nexit 7\n', { mode: 0o755 })
      const res = run(['my-app', '--install', '--pm', 'pnpm'], tmp, { VECTORA_CREATE_SKIP_INSTALL: '0', PATH: `${bin}${path.delimiter}${process.env.PATH}` })
      assert.equal(res.status, 1)
      assert.match(res.stderr, /CREATE_INSTALL_FAILED: `pnpm install` failed \(exit code 7\)\. The app is in place/)
      assert.deepEqual(tree(path.join(tmp, 'my-app')), templateFiles('minimal'))
    })
  })

  describe('refusals', () => {
    it('refuses a non-empty directory without --overwrite with CREATE_DIR_NOT_EMPTY, exit code 1, touching nothing', () => {
      const dir = path.join(tmp, 'busy')
      fs.mkdirSync(dir)
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me')
      const res = run(['busy', '--yes'], tmp)
      assert.equal(res.status, 1)
      assert.match(res.stderr, /^create-vectora: CREATE_DIR_NOT_EMPTY: directory busy is not empty\. .*--overwrite/)
      assert.deepEqual(tree(dir), ['notes.txt'])
      assert.deepEqual(fs.readdirSync(tmp), ['busy'])
    })

    it('treats a directory holding only .git as empty, and keeps that .git', () => {
      const dir = path.join(tmp, 'repo')
      fs.mkdirSync(path.join(dir, '.git'), { recursive: true })
      fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n')
      assert.equal(run(['repo'], tmp).status, 0)
      assert.deepEqual(tree(dir), [...templateFiles('minimal'), '.git/'].sort())
      assert.equal(fs.readFileSync(path.join(dir, '.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n')
    })

    it('replaces the contents of a non-empty directory with --overwrite, keeping only .git', () => {
      const dir = path.join(tmp, 'busy')
      fs.mkdirSync(path.join(dir, 'old', 'deep'), { recursive: true })
      fs.mkdirSync(path.join(dir, '.git'))
      fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n')
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'old')
      fs.writeFileSync(path.join(dir, 'README.md'), 'old readme')
      fs.writeFileSync(path.join(dir, 'old', 'deep', 'x.ts'), 'old')
      const res = run(['busy', '--overwrite', '-t', 'api'], tmp)
      assert.equal(res.status, 0, res.stderr)
      assert.match(res.stdout, /replacing 3 existing entries/)
      assert.deepEqual(tree(dir), [...templateFiles('api'), '.git/'].sort())
      assert.equal(fs.readFileSync(path.join(dir, '.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n')
      assert.match(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), /^# busy\n/)
      assert.deepEqual(fs.readdirSync(tmp), ['busy'])
    })

    it('refuses a file where the directory should be, with CREATE_NOT_A_DIRECTORY', () => {
      fs.writeFileSync(path.join(tmp, 'taken'), 'a file')
      const res = run(['taken', '--overwrite'], tmp)
      assert.equal(res.status, 1)
      assert.match(res.stderr, /CREATE_NOT_A_DIRECTORY: .*taken exists and is not a directory/)
      assert.equal(fs.readFileSync(path.join(tmp, 'taken'), 'utf8'), 'a file')
    })

    it('refuses a directory name that cannot name an npm package with CREATE_NAME_INVALID, exit code 2, suggesting one', () => {
      const res = run(['My App'], tmp)
      assert.equal(res.status, 2)
      assert.match(res.stderr, /CREATE_NAME_INVALID: "My App" is not a valid npm package name \(it has capital letters\)/)
      assert.match(res.stderr, /e\.g\. "my-app"/)
      assert.match(run(['http'], tmp).stderr, /reserved name/)
      assert.match(run(['_private'], tmp).stderr, /starts with "\." or "_"/)
      assert.match(run(['a#b'], tmp).stderr, /not URL-safe/)
      assert.deepEqual(fs.readdirSync(tmp), [])
    })

    it('refuses an unknown template with CREATE_TEMPLATE_UNKNOWN, exit code 2, naming the valid ones', () => {
      const res = run(['my-app', '--template', 'nope'], tmp)
      assert.equal(res.status, 2)
      assert.equal(res.stderr, 'create-vectora: CREATE_TEMPLATE_UNKNOWN: unknown template "nope". Valid templates: api, minimal.\n')
      assert.deepEqual(fs.readdirSync(tmp), [])
    })

    it('refuses an unknown flag with CREATE_USAGE, exit code 2, naming the valid flags', () => {
      const res = run(['my-app', '--bogus'], tmp)
      assert.equal(res.status, 2)
      assert.match(
        res.stderr,
        /^create-vectora: CREATE_USAGE: unknown option --bogus\. Valid options: --template, --pm, --install, --no-install, --git, --no-git, --overwrite/,
      )
      assert.match(res.stderr, /Run create-vectora --help for usage\.\n$/)
      assert.deepEqual(fs.readdirSync(tmp), [])
    })

    it('refuses an unknown package manager, a missing flag value and two directories, exit code 2', () => {
      const pm = run(['my-app', '--pm', 'npx'], tmp)
      assert.equal(pm.status, 2)
      assert.match(pm.stderr, /CREATE_PM_UNKNOWN: unknown package manager "npx"\. Valid package managers: npm, pnpm, yarn, bun\./)
      const missing = run(['my-app', '--template'], tmp)
      assert.equal(missing.status, 2)
      assert.match(missing.stderr, /CREATE_USAGE: --template needs a value, e\.g\. --template minimal\./)
      const two = run(['a', 'b'], tmp)
      assert.equal(two.status, 2)
      assert.match(two.stderr, /CREATE_USAGE: expected one directory, got 2: a b/)
      assert.deepEqual(fs.readdirSync(tmp), [])
    })

    it('refuses --interactive without a terminal rather than hanging on a question', () => {
      const res = run(['my-app', '--interactive'], tmp)
      assert.equal(res.status, 2)
      assert.match(res.stderr, /CREATE_USAGE: --interactive needs a terminal/)
      assert.deepEqual(fs.readdirSync(tmp), [])
    })

    it('prints usage with --help and the version with --version, exit code 0', () => {
      const help = run(['--help'], tmp)
      assert.equal(help.status, 0)
      assert.match(help.stdout, /^Usage: create-vectora \[dir\] \[options\]/)
      assert.match(help.stdout, /api +a notes service/)
      assert.match(help.stdout, /minimal +one route and its test/)
      assert.equal(run(['--version'], tmp).stdout, `${OWN_VERSION}\n`)
      assert.deepEqual(fs.readdirSync(tmp), [])
    })
  })

  describe('--vectora', () => {
    it('writes a local checkout as a file: dependency relative to the app', () => {
      const res = run(['apps/my-app', '--vectora', KERNEL], tmp)
      assert.equal(res.status, 0, res.stderr)
      const dir = path.join(tmp, 'apps', 'my-app')
      const spec = readPackage(dir).dependencies.vectora!
      assert.match(spec, /^file:\.\.\//)
      assert.equal(path.resolve(dir, spec.slice('file:'.length)), KERNEL)
    })

    it("links the api template's @vectora/* plugins and arktype to the copies the checkout resolves", () => {
      // Two copies of arktype's types do not match: contracts would no longer type req.params.
      assert.equal(run(['my-app', '-t', 'api', '--vectora', `file:${path.relative(tmp, KERNEL)}`], tmp).status, 0)
      const dir = path.join(tmp, 'my-app')
      const { dependencies } = readPackage(dir)
      const resolved = (name: string) => path.resolve(dir, dependencies[name]!.slice('file:'.length))
      assert.equal(resolved('@vectora/jwt'), fs.realpathSync(path.join(KERNEL, '..', 'plugins', 'jwt')))
      assert.equal(resolved('@vectora/rate-limit'), fs.realpathSync(path.join(KERNEL, '..', 'plugins', 'rate-limit')))
      assert.equal(resolved('arktype'), fs.realpathSync(path.join(KERNEL, '..', 'node_modules', 'arktype')))
    })

    it('writes a version or tag as given', () => {
      assert.equal(run(['my-app', '--vectora', '0.2.0-next.1'], tmp).status, 0)
      const pkg = readPackage(path.join(tmp, 'my-app'))
      assert.equal(pkg.dependencies.vectora, '0.2.0-next.1')
      assert.doesNotMatch(pkg.dependencies.arktype!, /^file:/)
    })

    it('refuses a path that is not the vectora package with CREATE_VECTORA_SPEC_INVALID, creating nothing', () => {
      const res = run(['my-app', '--vectora', fileURLToPath(new URL('..', import.meta.url))], tmp)
      assert.equal(res.status, 2)
      assert.match(res.stderr, /CREATE_VECTORA_SPEC_INVALID: .*is not the vectora package \(in a clone of the repository it is the kernel\/ folder\)/)
      assert.deepEqual(fs.readdirSync(tmp), [])
    })
  })

  describe('all or nothing', () => {
    /** A rename that fails on its `n`th call, as a full disk or a vanished folder would. */
    const failingRename = (n: number) => {
      let calls = 0
      return (from: string, to: string) => {
        if (++calls === n) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
        fs.renameSync(from, to)
      }
    }

    it('puts every replaced entry back and takes the new ones out when moving into place fails half-way', () => {
      const root = path.join(tmp, 'app')
      const fresh = path.join(tmp, 'stage', 'app')
      fs.mkdirSync(path.join(root, '.git'), { recursive: true })
      for (const f of ['a.txt', 'b.txt']) fs.writeFileSync(path.join(root, f), `old ${f}`)
      fs.mkdirSync(fresh, { recursive: true })
      for (const f of ['README.md', 'package.json', 'src']) fs.writeFileSync(path.join(fresh, f), `new ${f}`)
      // Calls 1-2 move a.txt and b.txt aside, 3-4 bring README.md and package.json in, 5 fails.
      assert.throws(() => moveIntoPlace(fresh, root, path.join(tmp, 'stage', 'replaced'), { rename: failingRename(5) }), /ENOSPC/)
      assert.deepEqual(tree(root), ['.git/', 'a.txt', 'b.txt'])
      assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'old a.txt')
    })

    it('moves a new app into place with one rename, so it appears whole or not at all', () => {
      const fresh = path.join(tmp, 'stage')
      fs.mkdirSync(fresh)
      fs.writeFileSync(path.join(fresh, 'package.json'), '{}')
      const renames: string[] = []
      moveIntoPlace(fresh, path.join(tmp, 'app'), path.join(tmp, 'replaced'), {
        rename: (from, to) => {
          renames.push(`${path.basename(from)} -> ${path.basename(to)}`)
          fs.renameSync(from, to)
        },
      })
      assert.deepEqual(renames, ['stage -> app'])
      assert.deepEqual(tree(path.join(tmp, 'app')), ['package.json'])
    })

    it('refuses a target below a file with CREATE_NOT_A_DIRECTORY', () => {
      fs.writeFileSync(path.join(tmp, 'apps'), 'a file')
      const res = run(['apps/x/my-app'], tmp)
      assert.equal(res.status, 1)
      assert.match(res.stderr, /CREATE_NOT_A_DIRECTORY: a parent of .*apps\/x\/my-app is a file/)
      assert.deepEqual(fs.readdirSync(tmp), ['apps'])
    })

    it('reports a folder that cannot be written with CREATE_WRITE_FAILED, exit code 1', function () {
      // Even root cannot create folders in sysfs: the one place a test run as root meets a refused write.
      if (!fs.existsSync('/sys/kernel')) {
        // Only outside Linux; CI runs on Linux, where a missing sysfs is a broken machine, not a reason to skip.
        assert.notEqual(process.env.CI, 'true', 'no /sys/kernel under CI=true: this test needs Linux sysfs')
        this.skip()
      }
      const res = run(['/sys/create-vectora-test/my-app'], tmp)
      assert.equal(res.status, 1)
      assert.match(res.stderr, /CREATE_WRITE_FAILED: could not write \/sys\/create-vectora-test\/my-app: EPERM.*Nothing was left half-written/)
    })
  })

  it('documents every error code in the README', () => {
    assert.deepEqual(
      ERROR_CODES.filter((code) => !README.includes(`\`${code}\``)),
      [],
    )
  })
})
