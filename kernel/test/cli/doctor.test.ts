/**
 * @module kernel/test/cli/doctor — `vectora doctor` in a real process: the runtime checks, the native kernel (and a
 * VECTORA_KERNEL_PATH that does not load), a free and a taken port, the real Redis on 127.0.0.1:6379 and a closed
 * port, a PostgreSQL-speaking stand-in, something that speaks neither, and URLs printed without their credentials.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { ensureBuilt, freePort, holdPort, runCli } from './cli-process.js'

/** A TCP server on 127.0.0.1 that answers the first bytes it gets with `answer`. */
async function answering(answer: string): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('data', () => socket.end(answer))
    socket.on('error', () => {})
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const close = server.close.bind(server)
  server.close = ((callback?: (error?: Error) => void) => {
    for (const socket of sockets) socket.destroy()
    return close(callback)
  }) as Server['close']
  return { port: (server.address() as { port: number }).port, server }
}

/** Runs doctor with only the given service variables (none inherited from the machine). */
function doctor(args: string[], env: Record<string, string> = {}) {
  return runCli(['doctor', ...args], { env: { REDIS_URL: undefined, DATABASE_URL: undefined, PORT: undefined, HOST: undefined, ...env } })
}

/** The report line of check `name`, and its fix line when it has one. */
function line(stdout: string, name: string): { status: string; detail: string; fix: string | undefined } {
  const lines = stdout.split('\n')
  const at = lines.findIndex((l) => new RegExp(`^ {2}[A-Z]+ +${name} `).test(l))
  assert.ok(at >= 0, `no ${name} line in:\n${stdout}`)
  const [, status, detail] = /^ {2}([A-Z]+) +\S+ +(.*)$/.exec(lines[at])!
  const fix = /^ +fix: (.*)$/.exec(lines[at + 1] ?? '')?.[1]
  return { status, detail, fix }
}

describe('vectora doctor', () => {
  before(ensureBuilt)

  it('passes on this machine with a free port and the real Redis, and reports the runtime', async () => {
    const port = await freePort()
    const { code, stdout } = await doctor(['--port', String(port)], { REDIS_URL: 'redis://127.0.0.1:6379' })
    assert.equal(code, 0, stdout)
    assert.match(line(stdout, 'vectora').detail, /^0\.1\.0 \(.*kernel\)$/)
    assert.equal(line(stdout, 'node').detail, `${process.version} (vectora needs >=20.19)`)
    assert.equal(line(stdout, 'node-api').detail, `${process.versions.napi} (the kernel needs 8)`)
    assert.equal(line(stdout, 'platform').status, 'OK')
    assert.deepEqual(line(stdout, 'kernel'), { status: 'OK', detail: line(stdout, 'kernel').detail, fix: undefined })
    assert.match(line(stdout, 'kernel').detail, /^loaded \/.*\.node \(/)
    assert.deepEqual(line(stdout, 'port'), { status: 'OK', detail: `127.0.0.1:${port} is free`, fix: undefined })
    assert.deepEqual(line(stdout, 'redis'), { status: 'OK', detail: 'redis://127.0.0.1:6379: answered PONG', fix: undefined })
    assert.deepEqual(line(stdout, 'postgres'), { status: 'SKIP', detail: 'DATABASE_URL is not set', fix: undefined })
    assert.match(stdout, /\nNo check failed\.\n$/)
  })

  it('fails, with the fix, for a Redis that is not there and a port that is taken; exit 1', async () => {
    const closed = await freePort()
    const { port, server } = await holdPort()
    try {
      const { code, stdout } = await doctor(['--port', String(port)], { REDIS_URL: `redis://127.0.0.1:${closed}` })
      assert.equal(code, 1)
      assert.deepEqual(line(stdout, 'redis'), {
        status: 'FAIL',
        detail: `redis://127.0.0.1:${closed}: nothing listens on 127.0.0.1:${closed} (connection refused)`,
        fix: 'Start Redis, or set REDIS_URL to where it runs.',
      })
      assert.equal(line(stdout, 'port').status, 'FAIL')
      assert.equal(line(stdout, 'port').detail, `127.0.0.1:${port} is in use: another process listens on it`)
      assert.match(line(stdout, 'port').fix!, /start on another port \(PORT=3001\)/)
      assert.match(stdout, /\n2 checks failed \(VEC_ERR_CLI_CHECK_FAILED\)\.\n$/)
    } finally {
      server.close()
    }
  })

  it('reads the port from PORT when --port is not given', async () => {
    const { port, server } = await holdPort()
    try {
      const { code, stdout } = await doctor([], { PORT: String(port) })
      assert.equal(code, 1)
      assert.equal(line(stdout, 'port').detail, `127.0.0.1:${port} is in use: another process listens on it`)
    } finally {
      server.close()
    }
  })

  it('never prints the credentials of a URL', async () => {
    const port = await freePort()
    const { code, stdout } = await doctor(['--port', String(port)], { REDIS_URL: 'redis://admin:s3cret-pass@127.0.0.1:6379/0' })
    assert.equal(code, 0, stdout)
    assert.ok(!stdout.includes('s3cret-pass') && !stdout.includes('admin'), stdout)
    assert.match(line(stdout, 'redis').detail, /^redis:\/\/127\.0\.0\.1:6379\/0: /)
  })

  it('recognises PostgreSQL by its answer to an SSLRequest, and says when something else answers', async () => {
    const postgres = await answering('N')
    const other = await answering('HTTP/1.1 400 Bad Request\r\n\r\n')
    const port = await freePort()
    try {
      const pg = await doctor(['--port', String(port)], { DATABASE_URL: `postgres://app:pw@127.0.0.1:${postgres.port}/app` })
      assert.equal(pg.code, 0, pg.stdout)
      assert.deepEqual(line(pg.stdout, 'postgres'), {
        status: 'OK',
        detail: `postgres://127.0.0.1:${postgres.port}/app: PostgreSQL answered (no TLS)`,
        fix: undefined,
      })
      const notPg = await doctor(['--port', String(port)], {
        DATABASE_URL: `postgresql://127.0.0.1:${other.port}/app`,
        REDIS_URL: `redis://127.0.0.1:${other.port}`,
      })
      assert.equal(notPg.code, 1)
      assert.equal(line(notPg.stdout, 'postgres').detail, `postgresql://127.0.0.1:${other.port}/app: something answered that is not PostgreSQL`)
      assert.match(line(notPg.stdout, 'redis').detail, /something answered that is not Redis/)
    } finally {
      postgres.server.close()
      other.server.close()
    }
  })

  it('skips a DATABASE_URL of another database, and fails one that is not a URL', async () => {
    const port = await freePort()
    const mysql = await doctor(['--port', String(port)], { DATABASE_URL: 'mysql://127.0.0.1/app' })
    assert.equal(mysql.code, 0)
    assert.equal(line(mysql.stdout, 'postgres').status, 'SKIP')
    const bad = await doctor(['--port', String(port)], { REDIS_URL: 'localhost:6379' })
    assert.equal(bad.code, 1)
    assert.equal(line(bad.stdout, 'redis').status, 'FAIL')
  })

  it('reports a kernel that does not load with its code and fix', async () => {
    const port = await freePort()
    const { code, stdout } = await doctor(['--port', String(port)], { VECTORA_KERNEL_PATH: '/nonexistent/index.node' })
    assert.equal(code, 1)
    const kernel = line(stdout, 'kernel')
    assert.equal(kernel.status, 'FAIL')
    assert.match(
      kernel.detail,
      /^does not load: VEC_ERR_KERNEL_NOT_FOUND: VECTORA_KERNEL_PATH=\/nonexistent\/index\.node does not load as a Vectora kernel; point it at a built index\.node or unset it\./,
    )
  })

  it('--json gives every check as data', async () => {
    const port = await freePort()
    const { code, stdout } = await doctor(['--port', String(port), '--json'], { REDIS_URL: 'redis://127.0.0.1:6379' })
    assert.equal(code, 0)
    const report = JSON.parse(stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> }
    assert.equal(report.ok, true)
    assert.deepEqual(
      report.checks.map((check) => `${check.name} ${check.status}`),
      ['vectora ok', 'node ok', 'node-api ok', 'platform ok', 'kernel ok', 'port ok', 'redis ok', 'postgres skip'],
    )
  })

  it('a bad flag value: exit 2 naming the flag', async () => {
    const { code, stderr } = await doctor(['--port', 'eighty'])
    assert.equal(code, 2)
    assert.match(stderr, /^vectora doctor: VEC_ERR_CLI_USAGE: --port must be a whole number from 0 to 65535, got "eighty"\./)
  })
})
