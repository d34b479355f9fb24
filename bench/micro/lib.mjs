// The shared part of the plugin micro-benchmarks (see README.md): a minimal host that runs a plugin's setup and
// keeps its hooks, a driver that takes requests through them as pipeline/run.ts does, and a callgrind runner that
// reports instructions per request and the functions with the most self cost.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { argv, execArgv, execPath } from 'node:process'
import { fileURLToPath } from 'node:url'
import { Reply, VectoraRequest } from 'vectora'

/** `--name value` from the command line, else `fallback`. */
export function option(name, fallback) {
  const i = argv.indexOf(`--${name}`)
  return i === -1 ? fallback : argv[i + 1]
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * A factory of real VectoraRequests (header() parses the block as in the kernel's dispatch), with `ip` as the
 * TCP peer: a string, or a function of the request's number. `headers` is an object, or an array of them taken
 * in turn (request i gets `headers[i % length]`). Each call is a new request object: plugins keep per-request
 * state by it.
 */
export function request(method, url, headers, { ip = '203.0.113.9', clientIp } = {}) {
  const peer = typeof ip === 'function' ? ip : () => ip
  const ctx = { kernel: { serverPeer: (_handle, id) => peer(id) }, handle: 0, idPrefix: 'bench', clientIp }
  const blocks = (Array.isArray(headers) ? headers : [headers]).map((fields) => {
    let block = ''
    for (const [name, value] of Object.entries(fields)) block += `${name}:${value}\n`
    return block
  })
  let id = 0
  return () => {
    id++
    return new VectoraRequest(ctx, id, METHODS.indexOf(method), url, blocks[id % blocks.length], undefined, undefined, [])
  }
}

const PHASES = ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler']
const quiet = { warn() {}, info() {}, error() {}, debug() {}, child: () => quiet }

/**
 * Runs `plugin.setup` (once per entry of `registrations`) against a host that records hooks per phase, in
 * registration order (the order pipeline/order.ts would keep for hooks of one stage; a scenario lists its
 * registrations in run order), then the onReady callbacks. `routes` is what `app.routes()` answers.
 */
export async function capture(plugin, registrations, { routes = [] } = {}) {
  const hooks = { onSend: [] }
  for (const phase of PHASES) hooks[phase] = []
  const ready = []
  const app = {
    log: quiet,
    addHook(phase, fn) {
      hooks[phase].push(fn)
    },
    onReady(fn) {
      ready.push(fn)
    },
    onClose() {},
    decorateRequest() {},
    provideValue() {},
    routes: () => routes,
  }
  for (const options of registrations) plugin.setup(app, options)
  for (const fn of ready) await fn()
  hooks.request = PHASES.map((phase) => hooks[phase]).filter((taps) => taps.length > 0)
  return hooks
}

const isThenable = (value) => typeof value?.then === 'function'
const rethrow = (error) => {
  throw error
}
/** An error reply, as the default problem reply would carry it (status and the error's headers). */
const errorReply = (error) => new Reply(error?.status ?? 500, undefined, error?.headers)

/**
 * One request through `hooks` as pipeline/run.ts takes it: the request phases (a thenable is awaited, with the
 * `.catch()` the hook wrapper adds to it; a thrown error becomes an error reply), the handler, onSend. Returns
 * the reply, or a Promise of it only when a hook returned a thenable.
 */
export function run(hooks, req, handler) {
  try {
    const answer = phases(hooks.request, req, 0, 0, handler)
    if (isThenable(answer))
      return answer.then(
        (a) => send(hooks, req, a),
        (error) => send(hooks, req, errorReply(error)),
      )
    return send(hooks, req, answer)
  } catch (error) {
    return send(hooks, req, errorReply(error))
  }
}

function phases(request, req, from, tap, handler) {
  for (let i = from; i < request.length; i++, tap = 0) {
    const taps = request[i]
    for (let j = tap; j < taps.length; j++) {
      const answer = taps[j](req)
      if (isThenable(answer)) {
        return Promise.resolve(answer)
          .catch(rethrow)
          .then((a) => (a !== undefined ? Reply.from(a) : phases(request, req, i, j + 1, handler)))
      }
      if (answer !== undefined) return Reply.from(answer)
    }
  }
  return handler(req)
}

function send(hooks, req, reply, from = 0) {
  for (let i = from; i < hooks.onSend.length; i++) {
    let next
    try {
      next = hooks.onSend[i](reply, req)
    } catch (error) {
      return errorReply(error)
    }
    if (isThenable(next)) {
      return Promise.resolve(next)
        .catch(rethrow)
        .then(
          (r) => send(hooks, req, r ?? reply, i + 1),
          (error) => errorReply(error),
        )
    }
    if (next !== undefined) reply = next
  }
  return reply
}

/**
 * `n` requests of `scenario`, awaited one after the other; `at(i)` is called before request i (one loop for the
 * warm-up and the measurement: a second loop would be compiled, on-stack, inside the measurement). Counts the
 * replies' statuses in `statuses`.
 */
async function drive(scenario, n, statuses, at) {
  for (let i = 0; i < n; i++) {
    at?.(i)
    const req = scenario.request()
    req.header('host') // the header block is parsed by the time hooks run (the dispatch reads it)
    let reply = run(scenario.hooks, req, scenario.handler)
    if (isThenable(reply)) reply = await reply
    if (statuses !== undefined) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
  }
}

/**
 * The benchmark's entry point. `scenarios` are `{ name, setup: async () => ({ hooks, request, handler }) }`.
 *
 * - `--scenario <i>`: runs scenario i alone, for callgrind: a cut at 0 (os.loadavg(): callgrind's
 *   `--dump-before=uv_loadavg` ends a part there), a warm-up, a full GC, more warm-up, a cut, the N measured
 *   requests, a cut. Part 3 is the measurement.
 *   Run with `--single-threaded --expose-gc --no-lazy-feedback-allocation`: V8 then compiles and collects on the
 *   main thread only, and every branch has feedback from its first run (no deoptimization later), so the
 *   counts repeat to a few 0.1 % (and no background thread's work lands in the part).
 * - `--callgrind`: does that for every scenario (or the `--only` one, comma-separated indexes) under valgrind and
 *   prints a table: instructions per request, the plugin's share (minus the first scenario, which runs no
 *   plugin), and with `--top k` the k functions with the most self cost.
 * - `--profile`: runs every scenario (or the `--only` ones) with `node --cpu-prof`, 200 000 requests (`--requests`),
 *   and prints the `--top k` (default 8) JS functions by self time: callgrind cannot name JIT code.
 * - neither: runs every scenario in this process and prints wall-clock ns per request (noisy; a smoke test).
 *
 * `--n` requests measured (default 10 000: enough scavenges in a part that where one falls hardly matters),
 * `--warmup` before (default 20 000), `--plugin <path>` another build of the plugin (its dist/index.js, e.g. a
 * copy of the previous one) against the same kernel.
 */
export async function main(scenarios, self) {
  const n = Number(option('n', 10000))
  const warmup = Number(option('warmup', 20000))
  const only = option('scenario', undefined)
  const traceCuts = argv.includes('--trace-cuts')
  if (only !== undefined) {
    const scenario = { ...scenarios[Number(only)], ...(await scenarios[Number(only)].setup()) }
    const statuses = new Map()
    // A full GC, for every part to start from the same heap; it deoptimizes code that embedded objects it
    // collected ("weak objects"), hence more warm-up after it. Then the cuts around the n measured requests.
    // Every branch is taken at 0 first: reaching one later for the first time would deoptimize the loop.
    const cuts = (i) => {
      if (i === 0 || i === warmup) globalThis.gc?.()
      if (i === 0 || i === 2 * warmup || i === 2 * warmup + n) {
        loadavg()
        if (traceCuts) console.log('--- cut') // with node --trace-opt --trace-deopt: nothing should compile between cuts 2 and 3
      }
    }
    await drive(scenario, 2 * warmup + n + 1, statuses, cuts)
    console.log(JSON.stringify({ scenario: scenario.name, statuses: Object.fromEntries(statuses) }))
    return
  }
  if (argv.includes('--callgrind')) return callgrind(scenarios, fileURLToPath(self), n, warmup)
  if (argv.includes('--profile')) return profile(scenarios, fileURLToPath(self), warmup)
  for (const [i, s] of scenarios.entries()) {
    const scenario = { ...s, ...(await s.setup()) }
    const statuses = new Map()
    await drive(scenario, warmup, statuses)
    const t0 = process.hrtime.bigint()
    await drive(scenario, n)
    const ns = Number(process.hrtime.bigint() - t0) / n
    console.log(`${i}  ${ns.toFixed(0).padStart(7)} ns/request  ${s.name}  ${JSON.stringify(Object.fromEntries(statuses))}`)
  }
}

function callgrind(scenarios, self, n, warmup) {
  const top = Number(option('top', 0))
  const onlyList = option('only', undefined)?.split(',').map(Number)
  const passthrough = ['--plugin', option('plugin', undefined)].filter(() => option('plugin', undefined) !== undefined)
  const dir = mkdtempSync(join(tmpdir(), 'vectora-micro-'))
  const rows = []
  try {
    for (const [i, s] of scenarios.entries()) {
      if (onlyList !== undefined && !onlyList.includes(i)) continue
      const out = join(dir, `${i}.cg`)
      const args = ['--tool=callgrind', '--dump-before=uv_loadavg', `--callgrind-out-file=${out}`]
      args.push(
        execPath,
        ...execArgv,
        '--single-threaded',
        '--expose-gc',
        '--no-lazy-feedback-allocation',
        self,
        '--scenario',
        String(i),
        '--n',
        String(n),
        '--warmup',
        String(warmup),
      )
      const child = spawnSync('valgrind', [...args, ...passthrough], { encoding: 'utf8', maxBuffer: 1 << 26 })
      if (child.status !== 0) throw new Error(`valgrind failed for scenario ${i}:\n${child.stderr.slice(-2000)}`)
      const info = JSON.parse(child.stdout.trim().split('\n').pop())
      const costs = selfCosts(readFileSync(`${out}.3`, 'utf8'))
      rows.push({ i, name: s.name, perRequest: costs.total / n, costs, statuses: info.statuses })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const base = rows.find((r) => r.i === 0)?.perRequest
  for (const row of rows) {
    const share = base === undefined || row.i === 0 ? '' : `  plugin ${Math.round(row.perRequest - base)}`
    console.log(`${row.i}  ${Math.round(row.perRequest)} Ir/request${share}  ${row.name}  ${JSON.stringify(row.statuses)}`)
    const compiler = [...row.costs.byFunction].filter(([f]) => f.includes('::compiler::') || f.includes('maglev')).reduce((a, [, c]) => a + c, 0)
    if (compiler > row.costs.total * 0.02) console.log(`   (${((100 * compiler) / row.costs.total).toFixed(1)} % in the optimizing compiler: raise --warmup)`)
    for (const [fn, cost] of [...row.costs.byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`   ${String(Math.round(cost / n)).padStart(7)}  ${((100 * cost) / row.costs.total).toFixed(1).padStart(5)} %  ${fn.slice(0, 110)}`)
    }
  }
}

function profile(scenarios, self, warmup) {
  const top = Number(option('top', 8))
  const requests = Number(option('requests', 200_000))
  const onlyList = option('only', undefined)?.split(',').map(Number)
  const passthrough = ['--plugin', option('plugin', undefined)].filter(() => option('plugin', undefined) !== undefined)
  const dir = mkdtempSync(join(tmpdir(), 'vectora-micro-'))
  try {
    for (const [i, s] of scenarios.entries()) {
      if (onlyList !== undefined && !onlyList.includes(i)) continue
      const out = join(dir, String(i))
      const args = ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval', '100', self, '--scenario', String(i), '--n', String(requests)]
      const child = spawnSync(execPath, [...execArgv, ...args, '--warmup', String(warmup), ...passthrough], { encoding: 'utf8' })
      if (child.status !== 0) throw new Error(`scenario ${i} failed:\n${child.stderr.slice(-2000)}`)
      const { nodes } = JSON.parse(readFileSync(join(out, readdirSync(out)[0]), 'utf8'))
      const bySelf = new Map()
      let total = 0
      for (const node of nodes) {
        const { functionName, url, lineNumber } = node.callFrame
        const key = `${(functionName || '(anonymous)').slice(0, 60)} ${url === '' ? '' : `${basename(url)}:${lineNumber + 1}`}`.trim()
        bySelf.set(key, (bySelf.get(key) ?? 0) + node.hitCount)
        total += node.hitCount
      }
      console.log(`${i}  ${s.name}`)
      for (const [fn, hits] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`   ${((100 * hits) / total).toFixed(1).padStart(5)} %  ${fn}`)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Self cost per function of one callgrind part. callgrind_annotate 3.19 shows inclusive costs for these parts, so
 * the file is read here: a cost line is self cost unless it follows a `calls=` line. JIT code has no symbol: it is
 * summed as `JIT code (JS functions)`; use `node --cpu-prof` to tell those functions apart.
 */
export function selfCosts(text) {
  const names = new Map()
  const byFunction = new Map()
  let current = '?'
  let afterCalls = false
  let total = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line)
      if (m[2] !== undefined) names.set(m[1], /^0x[0-9a-f]+$/.test(m[2]) ? 'JIT code (JS functions)' : m[2])
      current = names.get(m[1])
    } else if (line.startsWith('cfn=')) {
      const m = /^cfn=\((\d+)\) (.*)$/.exec(line)
      if (m !== null) names.set(m[1], /^0x[0-9a-f]+$/.test(m[2]) ? 'JIT code (JS functions)' : m[2])
    } else if (line.startsWith('calls=')) {
      afterCalls = true
    } else if (/^[0-9+*-]/.test(line)) {
      if (afterCalls) {
        afterCalls = false
        continue
      }
      const cost = Number(line.split(' ')[1] ?? 0)
      byFunction.set(current, (byFunction.get(current) ?? 0) + cost)
      total += cost
    }
  }
  return { total, byFunction }
}
