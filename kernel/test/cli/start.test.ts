/**
 * @module kernel/test/cli/start — `vectora start` in a real process: startup log lines (version, routes with their
 * pipelines, plugins, address), requests through the app's plugin, SIGTERM draining to exit 0, a second signal
 * exiting 1, boot failures with their codes and fixes, entry resolution, TypeScript entries under tsx.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { CliProcess, ensureBuilt, FIXTURES, get, holdPort, jsonLines, killLeftovers, makeApp, removeApps, runCli } from './cli-process.js'

const main = join(FIXTURES, 'main.mjs')

describe('vectora start', () => {
  before(ensureBuilt)
  afterEach(killLeftovers)
  after(removeApps)

  it('logs the version, each route with its pipeline, the plugins and the address, then serves through the plugin', async () => {
    const cli = new CliProcess(['start', main])
    const port = await cli.listening()
    const lines = cli.logLines()
    const start = lines.find((line) => line.msg === 'vectora start')
    assert.ok(start, cli.stdout)
    assert.equal(start.vectora, '0.1.0')
    assert.equal(start.node, process.version)
    assert.equal(start.napi, Number(process.versions.napi))
    assert.equal(start.entry, 'kernel/test/cli/fixtures/main.mjs')
    const routes = lines.filter((line) => line.msg === 'route').map(({ method, path, pipeline, probe }) => ({ method, path, pipeline, probe }))
    assert.deepEqual(routes, [
      { method: 'GET', path: '/health/ready', pipeline: undefined, probe: 'readiness' },
      { method: 'GET', path: '/health/live', pipeline: undefined, probe: 'liveness' },
      { method: 'GET', path: '/', pipeline: ['onRequest stamp:tag', 'onSend stamp:stampHeader'], probe: undefined },
      { method: 'GET', path: '/users/:id', pipeline: ['onRequest stamp:tag', 'validate vectora:contract', 'onSend stamp:stampHeader'], probe: undefined },
      { method: 'GET', path: '/slow', pipeline: ['onRequest stamp:tag', 'onSend stamp:stampHeader'], probe: undefined },
      {
        method: 'GET',
        path: '/admin/stats',
        pipeline: ['onRequest stamp:tag', 'authorize vectora:guards', 'preHandler app:audit', 'onSend stamp:stampHeader'],
        probe: undefined,
      },
    ])
    assert.deepEqual(lines.find((line) => line.msg === 'plugins')?.plugins, ['stamp'])
    const listening = lines.find((line) => line.msg === 'listening')
    assert.deepEqual(
      { ...listening, time: undefined, level: undefined },
      {
        time: undefined,
        level: undefined,
        msg: 'listening',
        address: '127.0.0.1',
        port,
        url: `http://127.0.0.1:${port}`,
      },
    )
    assert.deepEqual(await get(port, '/users/7'), { status: 200, stamp: '1', body: { id: 7 } })
    assert.equal((await get(port, '/users/x')).status, 400)
    cli.kill('SIGTERM')
    assert.equal(await cli.exited, 0)
  })

  it('drains an in-flight request on SIGTERM and exits 0; the app exits as `node <entry>` would', async () => {
    const cli = new CliProcess(['start', main])
    const port = await cli.listening()
    const slow = get(port, '/slow')
    await cli.until(({ stdout }) => stdout.includes('SLOW\n'), 'the slow handler started')
    cli.kill('SIGTERM')
    assert.deepEqual(await slow, { status: 200, stamp: '1', body: { slow: 'done' } })
    assert.equal(await cli.exited, 0)
  })

  it('exits 1 at once on a second signal during shutdown', async () => {
    // A shutdown delay keeps the app in `draining` (readiness 503, still serving) until the second signal.
    const cli = new CliProcess(['start', main], { env: { SHUTDOWN_DELAY: '20000' } })
    const port = await cli.listening()
    cli.kill('SIGINT')
    while ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status !== 503);
    cli.kill('SIGINT')
    assert.equal(await cli.exited, 1)
  })

  it('passes the arguments after -- to the app, with process.argv[1] the entry', async () => {
    const dir = makeApp({
      'main.mjs': "import { createApp } from 'vectora'\nconst app = createApp()\napp.get('/', () => process.argv.slice(1))\nawait app.listen({ port: 0 })\n",
    })
    const cli = new CliProcess(['start', 'main.mjs', '--', '--flag', 'value'], { cwd: dir })
    const port = await cli.listening()
    const res = await fetch(`http://127.0.0.1:${port}/`)
    assert.deepEqual(await res.json(), [join(dir, 'main.mjs'), '--flag', 'value'])
    cli.kill('SIGTERM')
    assert.equal(await cli.exited, 0)
  })

  it('runs a TypeScript entry under the app’s tsx', async () => {
    const cli = new CliProcess(['start', join(FIXTURES, 'main.ts')])
    const port = await cli.listening()
    assert.deepEqual(await get(port, '/'), { status: 200, stamp: '1', body: { version: 1 } })
    cli.kill('SIGTERM')
    assert.equal(await cli.exited, 0)
  })

  it('closes the app when SIGTERM arrives while it starts: onClose runs, exit 0, nothing logged as started', async () => {
    const cli = new CliProcess(['start', join(FIXTURES, 'lifecycle.mjs')], { env: { LIFECYCLE: 'slow-ready' } })
    await cli.until(({ stdout }) => stdout.includes('WAITING\n'), 'the onReady hook started')
    cli.kill('SIGTERM')
    assert.equal(await cli.exited, 0)
    assert.match(cli.stdout, /CLOSED\n/)
    assert.ok(cli.logLines().some((line) => line.msg === 'signal during startup: closing the app'))
    assert.ok(!cli.logLines().some((line) => line.msg === 'route'), 'no startup diagnostics for an app that is closing')
  })

  describe('boot failures', () => {
    it('a taken port: exit 1 and one error line with VEC_ERR_LISTEN_FAILED and its fix', async () => {
      const { port, server } = await holdPort()
      try {
        const { code, stderr } = await runCli(['start', main], { env: { PORT: String(port) } })
        assert.equal(code, 1)
        const [line] = jsonLines(stderr)
        assert.equal(line.level, 'error')
        assert.equal(line.code, 'VEC_ERR_LISTEN_FAILED')
        assert.match(
          String(line.msg),
          new RegExp(`^app failed to start: VEC_ERR_LISTEN_FAILED: Could not listen on 127\\.0\\.0\\.1:${port} .*Pick a free port`),
        )
      } finally {
        server.close()
      }
    })

    it('a failing onReady hook: exit 1 naming the plugin and the cause, and onClose still runs', async () => {
      const { code, stdout, stderr } = await runCli(['start', join(FIXTURES, 'lifecycle.mjs')], { env: { LIFECYCLE: 'hook-fails' } })
      assert.equal(code, 1)
      const [line] = jsonLines(stderr)
      assert.equal(line.code, 'VEC_ERR_LIFECYCLE_HOOK_FAILED')
      assert.match(String(line.msg), /pool/)
      assert.match(JSON.stringify(line.err), /database refused the connection/)
      assert.match(stdout, /CLOSED\n/)
    })

    it('a missing package: exit 1 with ERR_MODULE_NOT_FOUND and what to do', async () => {
      const { code, stderr } = await runCli(['start', join(FIXTURES, 'missing-import.mjs')])
      assert.equal(code, 1)
      const [line] = jsonLines(stderr)
      assert.equal(line.code, 'ERR_MODULE_NOT_FOUND')
      assert.match(String(line.msg), /vectora-cli-test-no-such-package/)
      assert.match(String(line.fix), /npm install/)
    })

    it('a syntax error: exit 1, and the file and line are printed', async () => {
      const dir = makeApp({ 'main.mjs': "import { createApp } from 'vectora'\nconst app = createApp(\n" })
      const { code, stderr } = await runCli(['start', 'main.mjs'], { cwd: dir })
      assert.equal(code, 1)
      assert.equal(jsonLines(stderr)[0].code, 'SyntaxError')
      assert.ok(stderr.includes(`file://${join(dir, 'main.mjs')}:`), stderr)
    })

    it('a readable block instead of JSON under vectora dev', async () => {
      const { code, stderr } = await runCli(['start', join(FIXTURES, 'lifecycle.mjs')], { env: { LIFECYCLE: 'hook-fails', VECTORA_DEV_CHILD: '1' } })
      assert.equal(code, 1)
      assert.match(stderr, /^vectora dev: the app failed to start\n\n {2}VEC_ERR_LIFECYCLE_HOOK_FAILED: .*pool/m)
      assert.match(stderr, /^ {2}cause: Error: database refused the connection$/m)
    })
  })

  describe('the entry', () => {
    it('defaults to package.json main', async () => {
      const dir = makeApp({
        'package.json': '{ "type": "module", "main": "server/index.mjs" }\n',
        'server/index.mjs': "import { createApp } from 'vectora'\nawait createApp().listen({ port: 0 })\n",
      })
      const cli = new CliProcess(['start'], { cwd: dir })
      await cli.listening()
      assert.equal(cli.logLines()[0].entry, join('server', 'index.mjs'))
      cli.kill('SIGTERM')
      assert.equal(await cli.exited, 0)
    })

    it('defaults to dist/main.js before src/main.ts for a production run', async () => {
      const listen = "import { createApp } from 'vectora'\nawait createApp().listen({ port: 0 })\n"
      const dir = makeApp({ 'dist/main.js': listen, 'src/main.ts': listen })
      const cli = new CliProcess(['start'], { cwd: dir })
      await cli.listening()
      assert.equal(cli.logLines()[0].entry, join('dist', 'main.js'))
      cli.kill('SIGTERM')
      assert.equal(await cli.exited, 0)
    })

    it('none found: exit 2 with VEC_ERR_CLI_ENTRY_NOT_FOUND listing what was tried', async () => {
      const dir = makeApp({})
      const { code, stderr } = await runCli(['start'], { cwd: dir })
      assert.equal(code, 2)
      assert.match(
        stderr,
        /^vectora start: VEC_ERR_CLI_ENTRY_NOT_FOUND: No entry given, package.json in .* has no "main", and none of dist\/main.js, src\/main.ts, src\/main.js exists there\. Pass the module/,
      )
    })

    it('a main that is not built yet: exit 2 saying to build', async () => {
      const dir = makeApp({ 'package.json': '{ "type": "module", "main": "dist/main.js" }\n' })
      const { code, stderr } = await runCli(['start'], { cwd: dir })
      assert.equal(code, 2)
      assert.match(stderr, /sets "main": "dist\/main.js", and that file does not exist \(build the app first: npm run build\)/)
    })

    it('a given file that does not exist: exit 2', async () => {
      const { code, stderr } = await runCli(['start', 'nowhere/main.js'])
      assert.equal(code, 2)
      assert.match(stderr, /VEC_ERR_CLI_ENTRY_NOT_FOUND: The entry nowhere\/main.js does not exist/)
    })

    it('TypeScript without tsx installed: exit 2 with VEC_ERR_CLI_TSX_MISSING and the install command', async () => {
      const dir = makeApp({ 'src/main.ts': "import { createApp } from 'vectora'\nawait createApp().listen({ port: 0 })\n" })
      const { code, stderr } = await runCli(['start', 'src/main.ts'], { cwd: dir })
      assert.equal(code, 2)
      assert.match(stderr, /VEC_ERR_CLI_TSX_MISSING: The entry src\/main.ts is TypeScript, and tsx \(which runs it\) is not installed in .*npm install -D tsx/)
    })

    it('an entry that creates no app: a warning with VEC_ERR_CLI_NO_APP', async () => {
      const { code, stderr } = await runCli(['start', join(FIXTURES, 'app.mjs')])
      assert.equal(code, 0)
      const warning = jsonLines(stderr).find((line) => line.level === 'warn')
      assert.equal(warning?.code, 'VEC_ERR_CLI_NO_APP')
    })
  })
})
