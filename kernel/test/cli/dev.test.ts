/**
 * @module kernel/test/cli/dev — `vectora dev` in a real process on a throwaway app: a file change restarts the app
 * after the old process drained (its in-flight request completes), a boot failure is printed and the next change
 * starts the app again, ignored paths do not restart it, and Ctrl-C leaves no process behind.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliProcess, ensureBuilt, get, jsonLines, killLeftovers, makeApp, removeApps, runCli } from './cli-process.js'

/** An app answering `/` with its version, pid and NODE_ENV; `/slow` prints SLOW and answers 600 ms later. */
function appSource(version: number): string {
  return `import { setTimeout as sleep } from 'node:timers/promises'
import { createApp } from 'vectora'
const app = createApp()
app.get('/', () => ({ version: ${version}, pid: process.pid, env: process.env.NODE_ENV }))
app.get('/slow', async () => {
  process.stdout.write('SLOW\\n')
  await sleep(600)
  return { version: ${version}, slow: 'done' }
})
await app.listen({ host: '127.0.0.1', port: 0 })
`
}

/** True while process `pid` runs (an exited process its new parent has not reaped yet, a zombie, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/<pid>/stat: "pid (name) state ..."; Z is a zombie.
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

describe('vectora dev', () => {
  before(ensureBuilt)
  afterEach(killLeftovers)
  after(removeApps)

  it('restarts after a file change, letting the old process finish its in-flight request first', async () => {
    const dir = makeApp({ 'main.mjs': appSource(1) })
    const cli = new CliProcess(['dev', 'main.mjs'], { cwd: dir })
    const first = await cli.listening(1)
    const before = await get(first, '/')
    assert.deepEqual(before.body, { version: 1, pid: (before.body as { pid: number }).pid, env: 'development' })
    const oldPid = (before.body as { pid: number }).pid

    const slow = get(first, '/slow')
    await cli.until(({ stdout }) => stdout.includes('SLOW\n'), 'the slow handler started')
    writeFileSync(join(dir, 'main.mjs'), appSource(2))
    // Drained, not cut: the old process answers the request it had, with the old code.
    assert.deepEqual((await slow).body, { version: 1, slow: 'done' })

    const second = await cli.listening(2)
    const after = await get(second, '/')
    assert.equal((after.body as { version: number }).version, 2)
    assert.notEqual((after.body as { pid: number }).pid, oldPid)
    assert.equal(alive(oldPid), false, 'the old process is gone once the new one listens')
    assert.match(cli.stderr, /^vectora dev: main\.mjs changed: restarting\nvectora dev: draining the old process\n/m)

    cli.kill('SIGINT')
    assert.equal(await cli.exited, 0)
    assert.equal(alive((after.body as { pid: number }).pid), false, 'Ctrl-C stops the app too')
  })

  it('prints a boot failure, keeps watching, and starts the app once the file is fixed', async () => {
    const dir = makeApp({ 'main.mjs': "import 'vectora'\nthrow Object.assign(new Error('DATABASE_URL is not set'), { code: 'APP_CONFIG' })\n" })
    const cli = new CliProcess(['dev', 'main.mjs'], { cwd: dir })
    await cli.until(({ stderr }) => stderr.includes('waiting for a file change'), 'the boot failure')
    assert.match(cli.stderr, /^vectora dev: the app failed to start\n\n {2}APP_CONFIG: DATABASE_URL is not set\n/m)
    assert.match(cli.stderr, /^vectora dev: the app exited with code 1; waiting for a file change to start it again$/m)
    assert.equal(cli.child.exitCode, null, 'dev itself keeps running')

    writeFileSync(join(dir, 'main.mjs'), appSource(1))
    const port = await cli.listening(1)
    assert.equal(((await get(port, '/')).body as { version: number }).version, 1)
    cli.kill('SIGTERM')
    assert.equal(await cli.exited, 0)
  })

  it('ignores node_modules, dot-folders and files that are not sources', async () => {
    const dir = makeApp({ 'main.mjs': appSource(1), 'src/util.js': 'export {}\n', '.cache/keep': '' })
    const cli = new CliProcess(['dev', 'main.mjs'], { cwd: dir })
    await cli.listening(1)
    // One burst: were any of the ignored writes counted, the restart would name it (the first change seen).
    writeFileSync(join(dir, 'node_modules', 'dep.js'), 'export {}\n')
    writeFileSync(join(dir, '.cache', 'state.json'), '{}\n')
    writeFileSync(join(dir, 'server.log'), 'a log line\n')
    writeFileSync(join(dir, 'src', 'util.js'), 'export const x = 1\n')
    await cli.listening(2)
    const restarts = cli.stderr.split('\n').filter((line) => line.endsWith('changed: restarting'))
    assert.deepEqual(restarts, [`vectora dev: ${join('src', 'util.js')} changed: restarting`])
    cli.kill('SIGINT')
    assert.equal(await cli.exited, 0)
  })

  it('watches only what --watch names', async () => {
    const dir = makeApp({ 'main.mjs': appSource(1), 'src/util.js': 'export {}\n', 'other.js': 'export {}\n' })
    mkdirSync(join(dir, 'src', 'deep'))
    const cli = new CliProcess(['dev', 'main.mjs', '--watch', 'src'], { cwd: dir })
    await cli.listening(1)
    writeFileSync(join(dir, 'other.js'), 'export const y = 2\n')
    writeFileSync(join(dir, 'src', 'deep', 'mod.ts'), 'export const z = 3\n')
    await cli.listening(2)
    const restarts = cli.stderr.split('\n').filter((line) => line.endsWith('changed: restarting'))
    assert.deepEqual(restarts, [`vectora dev: ${join('src', 'deep', 'mod.ts')} changed: restarting`])
    assert.match(cli.stderr, /^vectora dev: running main\.mjs; watching src$/m)
    cli.kill('SIGINT')
    assert.equal(await cli.exited, 0)
  })

  it('the app shuts down by itself when dev is killed (no orphan left serving)', async () => {
    const dir = makeApp({ 'main.mjs': appSource(1) })
    const cli = new CliProcess(['dev', 'main.mjs'], { cwd: dir })
    const port = await cli.listening(1)
    const { pid } = (await get(port, '/')).body as { pid: number }
    cli.kill('SIGKILL')
    await cli.exited
    // The app notices its parent is gone (the IPC channel closes), drains and exits: wait for it, however long.
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50))
  })

  it('runs each process as `vectora start`: the startup lines come from the child', async () => {
    const dir = makeApp({ 'main.mjs': appSource(1) })
    const cli = new CliProcess(['dev', 'main.mjs'], { cwd: dir })
    await cli.listening(1)
    const start = jsonLines(cli.stdout).find((line) => line.msg === 'vectora start')
    assert.equal(start?.entry, 'main.mjs')
    assert.ok(jsonLines(cli.stdout).some((line) => line.msg === 'route' && line.path === '/slow'))
    cli.kill('SIGINT')
    assert.equal(await cli.exited, 0)
  })

  it('refuses a TypeScript entry without tsx, and a --watch path that does not exist, with exit 2', async () => {
    const dir = makeApp({ 'src/main.ts': appSource(1) })
    const ts = await runCli(['dev'], { cwd: dir })
    assert.equal(ts.code, 2)
    assert.match(ts.stderr, /^vectora dev: VEC_ERR_CLI_TSX_MISSING: /)
    const watch = await runCli(['dev', 'src/main.ts', '--watch', 'nowhere'], { cwd: makeApp({ 'src/main.ts': '' }, { tsx: true }) })
    assert.equal(watch.code, 2)
    assert.match(watch.stderr, /^vectora dev: VEC_ERR_CLI_USAGE: --watch nowhere does not exist\./)
  })
})
