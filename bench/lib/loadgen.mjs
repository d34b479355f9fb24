// Load generator adapters. Both return the same normalised shape:
//   { requests, durationS, rps, p50Ms, p99Ms, socketErrors, statusErrors }
// where statusErrors counts responses with status >= 400 (wrk's notion).
//
// wrk is preferred (C, low overhead, one thread by default so it leaves the
// second core to the server); autocannon is the fallback when wrk is absent.

import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const WRK_LUA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wrk.lua')

/** Version string of wrk on PATH, or null when there is none. */
export function wrkVersion() {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' })
  if (r.error) return null
  const m = /wrk\s+(\S+)/.exec(`${r.stdout}${r.stderr}`)
  return m ? m[1] : 'unknown'
}

/**
 * Pick the load generator: `preferred` is 'wrk', 'autocannon' or 'auto'.
 * @returns {Promise<{name: string, version: string, run: Function, close: Function}>}
 */
export async function createLoadGen(preferred = 'auto', { threads = 1 } = {}) {
  if (preferred === 'wrk' || preferred === 'auto') {
    const version = wrkVersion()
    if (version) return wrkGen(version, threads)
    if (preferred === 'wrk') throw new Error('wrk is not on PATH (apt-get install -y wrk)')
  }
  if (preferred !== 'auto' && preferred !== 'autocannon') {
    throw new Error(`unknown load generator "${preferred}" (wrk | autocannon)`)
  }
  return autocannonGen(threads)
}

function wrkGen(version, threads) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vectora-bench-'))
  const bodyFiles = new Map()
  const bodyFile = (body) => {
    if (!bodyFiles.has(body)) {
      const file = path.join(tmp, `body-${bodyFiles.size}.json`)
      writeFileSync(file, body)
      bodyFiles.set(body, file)
    }
    return bodyFiles.get(body)
  }

  async function run({ port, scenario, connections, durationS }) {
    const args = [
      '-t',
      String(Math.min(threads, connections)),
      '-c',
      String(connections),
      '-d',
      `${durationS}s`,
      '--timeout',
      '5s',
      '-s',
      WRK_LUA,
      `http://127.0.0.1:${port}${scenario.path}`,
    ]
    const env = {
      ...process.env,
      BENCH_METHOD: scenario.method,
      BENCH_BODY_FILE: scenario.body ? bodyFile(scenario.body) : '',
      // Extra request headers (the stack scenarios' Origin and token), one `name: value` a line.
      BENCH_HEADERS: Object.entries(scenario.headers ?? {})
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n'),
    }
    const { code, stdout, stderr } = await exec('wrk', args, env)
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '))
    if (!line) {
      throw new Error(`wrk exited ${code} without a result: ${(stderr || stdout).trim().slice(0, 300)}`)
    }
    const j = JSON.parse(line.slice('WRK_JSON '.length))
    const durS = j.duration_us / 1e6
    const e = j.errors
    return {
      requests: j.requests,
      durationS: durS,
      rps: durS > 0 ? j.requests / durS : 0,
      p50Ms: j.latency_us.p50 / 1000,
      p99Ms: j.latency_us.p99 / 1000,
      socketErrors: e.connect + e.read + e.write + e.timeout,
      statusErrors: e.status,
    }
  }

  return {
    name: 'wrk',
    version,
    describe: `wrk ${version} (-t${threads})`,
    run,
    close: () => rmSync(tmp, { recursive: true, force: true }),
  }
}

async function autocannonGen(threads) {
  let autocannon
  try {
    ;({ default: autocannon } = await import('autocannon'))
  } catch (err) {
    throw new Error(`neither wrk nor autocannon is available (${err.message})`)
  }
  const { createRequire } = await import('node:module')
  const version = createRequire(import.meta.url)('autocannon/package.json').version

  async function run({ port, scenario, connections, durationS }) {
    const opts = {
      url: `http://127.0.0.1:${port}${scenario.path}`,
      method: scenario.method,
      connections,
      duration: durationS,
      timeout: 5,
    }
    if (threads > 1) opts.workers = threads
    if (scenario.headers) opts.headers = { ...scenario.headers }
    if (scenario.body) {
      opts.body = scenario.body
      opts.headers = { ...opts.headers, 'content-type': 'application/json' }
    }
    // autocannon's own histogram has whole-millisecond resolution and skips
    // non-2xx answers, so record every response time (float ms) ourselves.
    // Not available with worker threads; then its percentiles are used.
    const instance = autocannon(opts)
    const latencies = new Recorder()
    if (!opts.workers) instance.on('response', (_client, _status, _bytes, ms) => latencies.add(ms))
    const r = await instance
    let statusErrors = 0
    for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
      if (Number(code) >= 400) statusErrors += count
    }
    return {
      requests: r.requests.total,
      durationS: r.duration,
      rps: r.duration > 0 ? r.requests.total / r.duration : 0,
      p50Ms: latencies.size ? latencies.percentile(50) : r.latency.p50,
      p99Ms: latencies.size ? latencies.percentile(99) : r.latency.p99,
      socketErrors: r.errors,
      statusErrors,
    }
  }

  return {
    name: 'autocannon',
    version,
    describe: `autocannon ${version}${threads > 1 ? ` (${threads} workers)` : ''}`,
    run,
    close: () => {},
  }
}

/** Growable list of samples with nearest-rank percentiles. */
class Recorder {
  constructor() {
    this.values = new Float64Array(1 << 16)
    this.size = 0
  }

  add(v) {
    if (this.size === this.values.length) {
      const next = new Float64Array(this.values.length * 2)
      next.set(this.values)
      this.values = next
    }
    this.values[this.size++] = v
    this.sorted = false
  }

  percentile(p) {
    const sorted = this.values.subarray(0, this.size)
    if (!this.sorted) {
      sorted.sort()
      this.sorted = true
    }
    const rank = Math.max(1, Math.ceil((p / 100) * this.size))
    return sorted[rank - 1]
  }
}

function exec(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
