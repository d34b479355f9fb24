/**
 * @module kernel/test/cli/routes — `vectora routes` in a real process: the table of every route with its resolved
 * pipeline, without binding the port the entry listens on; JSON output; entries that export their app; apps that
 * fail to boot or do not exist; help and usage errors of every command.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { ensureBuilt, FIXTURES, holdPort, killLeftovers, makeApp, removeApps, runCli } from './cli-process.js'

const main = join(FIXTURES, 'main.mjs')

/** The table's section of one route (from its heading to the blank line after it). */
function section(table: string, heading: string): string {
  const start = table.indexOf(`${heading}\n`)
  assert.ok(start >= 0, `no section ${heading} in:\n${table}`)
  return table.slice(start, table.indexOf('\n\n', start))
}

describe('vectora routes', () => {
  before(ensureBuilt)
  afterEach(killLeftovers)
  after(removeApps)

  it('prints each route with its hooks in run order, guards and contract parts, without binding the port', async () => {
    // The entry listens on PORT: held here, a real listen() would fail with VEC_ERR_LISTEN_FAILED.
    const { port, server } = await holdPort()
    try {
      const { code, stdout, stderr } = await runCli(['routes', main], { env: { PORT: String(port) } })
      assert.equal(code, 0, stderr)
      assert.match(stdout, /^6 routes of kernel\/test\/cli\/fixtures\/main\.mjs\n/)
      assert.equal(
        section(stdout, 'GET /admin/stats  (app)'),
        [
          'GET /admin/stats  (app)',
          '  guards       isAdmin (needs stamp)',
          '  onRequest    stamp    tag          stage -10',
          '  authorize    vectora  guards',
          '  preHandler   app      audit',
          '  handler',
          '  onSend       stamp    stampHeader',
        ].join('\n'),
      )
      assert.equal(
        section(stdout, 'GET /users/:id  (app)'),
        [
          'GET /users/:id  (app)',
          '  contract     params, query',
          '  onRequest    stamp    tag          stage -10',
          '  validate     vectora  contract',
          '  handler',
          '  onSend       stamp    stampHeader',
        ].join('\n'),
      )
      assert.equal(
        section(stdout, 'GET /health/ready  (vectora)'),
        'GET /health/ready  (vectora)\n  readiness probe: answered by the kernel, no hook runs (docs/lifecycle.md)',
      )
    } finally {
      server.close()
    }
  })

  it('says when a route has no hooks at all (the fast path)', async () => {
    const dir = makeApp({
      'main.mjs': "import { createApp } from 'vectora'\nconst app = createApp({ health: false })\napp.get('/ping', () => 'pong')\nawait app.listen()\n",
    })
    const { code, stdout } = await runCli(['routes', 'main.mjs'], { cwd: dir })
    assert.equal(code, 0)
    assert.equal(stdout, '1 route of main.mjs\n\nGET /ping  (app)\n  no hooks: the handler is called straight from the kernel (fast path)\n')
  })

  it('keeps a space after the longest phase name (authenticate)', async () => {
    const source = [
      "import { createApp } from 'vectora'",
      'const app = createApp({ health: false })',
      "app.addHook('authenticate', function readToken() {})",
      "app.get('/me', () => 'me')",
      'await app.listen()',
    ].join('\n')
    const { code, stdout } = await runCli(['routes', 'main.mjs'], { cwd: makeApp({ 'main.mjs': source }) })
    assert.equal(code, 0)
    assert.equal(stdout, '1 route of main.mjs\n\nGET /me  (app)\n  authenticate app  readToken\n  handler\n')
  })

  it('--json gives every route with its pipeline as data', async () => {
    const { code, stdout } = await runCli(['routes', main, '--json'])
    assert.equal(code, 0)
    const routes = JSON.parse(stdout) as Array<Record<string, unknown>>
    assert.deepEqual(
      routes.map((route) => `${route.method} ${route.path}`),
      ['GET /health/ready', 'GET /health/live', 'GET /', 'GET /users/:id', 'GET /slow', 'GET /admin/stats'],
    )
    assert.deepEqual(routes[5], {
      method: 'GET',
      path: '/admin/stats',
      owner: 'app',
      contract: [],
      guards: [{ name: 'isAdmin', requires: ['stamp'] }],
      hooks: [
        { phase: 'onRequest', plugin: 'stamp', name: 'tag', stage: -10 },
        { phase: 'authorize', plugin: 'vectora', name: 'guards', stage: 0 },
        { phase: 'preHandler', plugin: 'app', name: 'audit', stage: 0 },
        { phase: 'onSend', plugin: 'stamp', name: 'stampHeader', stage: 0 },
      ],
    })
    assert.deepEqual(routes[0], { method: 'GET', path: '/health/ready', owner: 'vectora', probe: 'readiness', contract: [], guards: [], hooks: [] })
  })

  it('reads an entry that exports its app and never listens', async () => {
    const { code, stdout } = await runCli(['routes', join(FIXTURES, 'exported.mjs')])
    assert.equal(code, 0)
    assert.match(stdout, /^6 routes of .*exported\.mjs\n/)
    assert.match(stdout, /\nGET \/slow {2}\(app\)\n/)
  })

  it('runs a TypeScript entry under tsx', async () => {
    const { code, stdout } = await runCli(['routes', join(FIXTURES, 'main.ts')])
    assert.equal(code, 0)
    assert.match(stdout, /^6 routes of .*main\.ts\n/)
  })

  it('an app that fails ready(): exit 1 with the error code and its fix', async () => {
    const { code, stdout, stderr } = await runCli(['routes', join(FIXTURES, 'guard-without-plugin.mjs')])
    assert.equal(code, 1)
    assert.equal(stdout, '')
    assert.match(
      stderr,
      /^vectora routes: the app failed to start\n\n {2}VEC_ERR_GUARD_PLUGIN_MISSING: Route GET \/private: guard needsAuth needs the plugin @acme\/auth/,
    )
    assert.match(stderr, /app\.register\(auth\)/)
  })

  it('an entry that creates no app: exit 1 with VEC_ERR_CLI_NO_APP', async () => {
    const { code, stderr } = await runCli(['routes', join(FIXTURES, 'app.mjs')])
    assert.equal(code, 1)
    assert.match(stderr, /^vectora routes: VEC_ERR_CLI_NO_APP: .*app\.mjs loaded without creating an app or exporting one/)
  })
})

describe('vectora --help and usage errors', () => {
  before(ensureBuilt)

  for (const command of ['start', 'dev', 'routes', 'doctor']) {
    it(`vectora ${command} --help prints its usage, flags and exit codes, and exits 0`, async () => {
      const { code, stdout } = await runCli([command, '--help'])
      assert.equal(code, 0)
      assert.match(stdout, new RegExp(`^Usage: vectora ${command} `))
      assert.match(stdout, /\nExit codes: 0 /)
      assert.match(stdout, /\nExample:\n {2}.*vectora /)
    })
  }

  it('vectora --help lists every command', async () => {
    const { code, stdout } = await runCli(['--help'])
    assert.equal(code, 0)
    for (const command of ['start', 'dev', 'routes', 'doctor']) assert.match(stdout, new RegExp(`\\n {2}${command} +\\S`))
  })

  it('vectora --version prints the version', async () => {
    assert.deepEqual(await runCli(['--version']), { code: 0, stdout: '0.1.0\n', stderr: '' })
  })

  it('an unknown command: exit 2, the commands, and the closest one', async () => {
    const { code, stderr } = await runCli(['strat'])
    assert.equal(code, 2)
    assert.equal(
      stderr,
      'vectora: VEC_ERR_CLI_USAGE: vectora has no command "strat" (the commands are start, dev, routes, doctor). Did you mean "start"? Run `vectora <command> --help` for the commands and flags.\n',
    )
  })

  it('an unknown flag: exit 2 naming it', async () => {
    const { code, stderr } = await runCli(['routes', '--jsn'])
    assert.equal(code, 2)
    assert.match(stderr, /^vectora routes: VEC_ERR_CLI_USAGE: Unknown option '--jsn'\./)
  })

  it('two entries: exit 2 saying where app arguments go', async () => {
    const { code, stderr } = await runCli(['start', 'a.js', 'b.js'])
    assert.equal(code, 2)
    assert.match(stderr, /start takes one entry, got 2 \(a\.js b\.js\); pass the app's own arguments after --\./)
  })
})
