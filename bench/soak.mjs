#!/usr/bin/env node
/**
 * Soak: a long mixed load against one Vectora server, watching its memory and file descriptors.
 * Not part of `npm test` or `npm run bench`.
 *
 * The server is servers/soak/vectora.mjs with the app's default limits, started as a child process
 * (probed over IPC by lib/memprobe.mjs, so the app has no bench-only route). Load, on 127.0.0.1 only,
 * from bounded pools of clients that each send one request after another until the time is up:
 *   hello     GET /  on keep-alive connections
 *   echo      POST /echo, a 1 KiB JSON body, on keep-alive connections
 *   slow      GET /slow (a 200 ms handler) on keep-alive connections
 *   abort     (10 ms between tries) a fresh connection that goes away early: after a partial request head, in the middle of
 *             a body, or after a whole GET /slow but before its answer (the kernel aborts req.signal)
 *   oversize  (20 ms between tries) a fresh connection POSTing past bodyLimit (1 MiB): a declared 2 MiB content-length, or a
 *             chunked body that keeps coming; the kernel must answer 413
 * Every --sample seconds it records the server's RSS (RssAnon, RssFile), open file descriptors
 * (/proc/<pid>/fd), threads, V8 heap used/total, glibc's mallinfo2 (lib/malloc-probe.c, when cc is
 * there) and the requests done per kind. After the load it waits for idle keep-alive connections to
 * close and samples again (descriptors must come back to where they started), then once more after a
 * forced GC.
 *
 * Output: the samples as a table and a verdict (first vs last quartile of RSS and fds, least-squares
 * slope) on stdout, progress on stderr, and a JSON result in bench/results/soak-<date>.json.
 *
 * Options:
 *   --minutes N     load duration in minutes (10; fractions allowed)
 *   --sample N      seconds between samples (10)
 *   --hello N       hello clients (8)
 *   --echo N        echo clients (4)
 *   --slow N        slow clients (64)
 *   --abort N       aborting clients (4)
 *   --oversize N    oversize clients (2)
 *   --out FILE      JSON result (bench/results/soak-<YYYY-MM-DD>.json)
 *   --help
 */

import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { buildMallocProbe, cpuMeter, fdCount, mib, procStatus, scratchDir, snapshotKernel, startProbed } from './lib/probe.mjs'
import { table } from './lib/report.mjs'
import { makeJsonBody } from './lib/scenarios.mjs'
import { BENCH_DIR, REPO_DIR } from './lib/servers.mjs'

const log = (msg) => process.stderr.write(`${msg}\n`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const KINDS = ['hello', 'echo', 'slow', 'abort', 'oversize']

function parseOptions() {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      sample: { type: 'string', default: '10' },
      hello: { type: 'string', default: '8' },
      echo: { type: 'string', default: '4' },
      slow: { type: 'string', default: '64' },
      abort: { type: 'string', default: '4' },
      oversize: { type: 'string', default: '2' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    const header = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(import.meta.url), 'utf8'))
    process.stdout.write(`${header[1].replace(/^ \* ?/gm, '').trim()}\n`)
    process.exit(0)
  }
  const num = (name, min, int = true) => {
    const n = Number(values[name])
    if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) throw new Error(`invalid --${name}: ${values[name]}`)
    return n
  }
  const minutes = num('minutes', 0.1, false)
  // Capped: the soak must stop by itself, and an hour is longer than any use of it here.
  if (minutes > 60) throw new Error('--minutes is at most 60')
  const date = new Date().toISOString().slice(0, 10)
  return {
    minutes,
    sampleS: num('sample', 1),
    clients: Object.fromEntries(KINDS.map((k) => [k, num(k, 0)])),
    out: values.out ? path.resolve(values.out) : path.join(BENCH_DIR, 'results', `soak-${date}.json`),
  }
}

// ----------------------------------------------------------------- clients --

const echoBody = makeJsonBody(1024).text

/** Counters per kind: ok, unexpected answers (by status), errors (by code). */
function newStats() {
  return Object.fromEntries(KINDS.map((k) => [k, { ok: 0, unexpected: {}, errors: {} }]))
}
const bump = (obj, key) => {
  obj[key] = (obj[key] ?? 0) + 1
}

/** One request on a keep-alive agent; resolves to the status (throws on a socket error or timeout). */
function keepAliveRequest(agent, port, method, reqPath, body) {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}
    const req = http.request({ agent, host: '127.0.0.1', port, method, path: reqPath, headers, timeout: 10_000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })))
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * A raw connection: `script(socket)` writes what it wants; resolves with the status line's code
 * (or null when the connection ended without one) once the socket closes or `closeAfterMs` passes.
 */
function rawConnection(port, script, { closeAfterMs = null, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' })
    let head = ''
    let settled = false
    const done = (err) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(early)
      s.destroy()
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head)
      if (err && !m) reject(err)
      else resolve(m ? Number(m[1]) : null)
    }
    const timer = setTimeout(() => done(Object.assign(new Error('timeout'), { code: 'timeout' })), timeoutMs)
    const early = closeAfterMs === null ? null : setTimeout(() => done(), closeAfterMs)
    s.on('connect', () => script(s, () => head))
    s.on('data', (d) => {
      if (head.length < 64) head += d.toString('latin1')
      // The status line is all this client wants: close as soon as it is in.
      if (/^HTTP\/1\.1 \d{3}/.test(head)) done()
    })
    s.on('error', (err) => done(err))
    s.on('close', () => done())
  })
}

const rnd = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo))

/** The abort client's three ways of going away early. */
const ABORTS = [
  // A request head that never ends.
  (port) => rawConnection(port, (s) => s.write('GET /slow HTTP/1.1\r\nhost: 127.0.0.1\r\nx-partial: '), { closeAfterMs: rnd(5, 50) }),
  // Half a body: the kernel is reading it when the connection goes.
  (port) =>
    rawConnection(
      port,
      (s) => s.write(`POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1024\r\n\r\n${echoBody.slice(0, 500)}`),
      {
        closeAfterMs: rnd(5, 50),
      },
    ),
  // A whole request whose answer is not awaited: JavaScript is running it when the client goes.
  (port) => rawConnection(port, (s) => s.write('GET /slow HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n'), { closeAfterMs: rnd(10, 150) }),
]

/**
 * The oversize client's two ways past bodyLimit; each must meet a 413. The client sends no byte the server will
 * not read: a server closing on unread data resets the connection, and the reset can overtake the 413.
 */
const OVERSIZE = [
  // Declared past the limit: the kernel answers from the head alone, before any body byte.
  (port) => rawConnection(port, (s) => s.write('POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2097152\r\n\r\n')),
  // Chunked, no length: 17 chunks of 64 KiB (1 MiB + 64 KiB) and no last chunk; the kernel counts them as they come.
  (port) =>
    rawConnection(port, (s) => {
      s.write('POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n')
      const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 0x20), Buffer.from('\r\n')])
      for (let i = 0; i < 17; i++) s.write(chunk)
    }),
]

/** Runs `clients` loops of `one()` (then `pauseMs` of rest) until `stop.at`; each outcome lands in `stats[kind]`. */
function pool(kind, clients, stats, stop, one, expect, pauseMs = 0) {
  const loops = []
  for (let i = 0; i < clients; i++) {
    loops.push(
      (async () => {
        while (Date.now() < stop.at) {
          try {
            const status = await one(i)
            if (expect(status)) stats[kind].ok++
            else bump(stats[kind].unexpected, String(status))
          } catch (err) {
            bump(stats[kind].errors, err.code ?? err.message)
            await sleep(50)
          }
          if (pauseMs) await sleep(pauseMs)
        }
      })(),
    )
  }
  return Promise.all(loops)
}

// ------------------------------------------------------------------- maths --

function slope(xs, ys) {
  const n = xs.length
  if (n < 2) return 0
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length

/** First and last quartile means, and slopes (per minute) over all samples and over the second half. */
function trend(samples, key) {
  const q = Math.max(1, Math.floor(samples.length / 4))
  const xs = samples.map((s) => s.t / 60)
  const ys = samples.map(key)
  const half = Math.floor(samples.length / 2)
  return {
    first: mean(ys.slice(0, q)),
    last: mean(ys.slice(-q)),
    min: Math.min(...ys),
    max: Math.max(...ys),
    slopePerMin: slope(xs, ys),
    slopeSecondHalfPerMin: slope(xs.slice(half), ys.slice(half)),
  }
}

// -------------------------------------------------------------------- main --

async function main() {
  const opts = parseOptions()
  const dir = scratchDir('vectora-soak-')
  const kernel = snapshotKernel()
  const probe = buildMallocProbe(dir)
  if (probe.error) log(`note: no malloc probe (${probe.error})`)
  const h = await startProbed({ program: 'servers/soak/vectora.mjs', kernel, mallocProbe: probe.so, dir })
  const port = h.port
  const stats = newStats()
  const agents = {
    hello: new http.Agent({ keepAlive: true, maxSockets: opts.clients.hello }),
    echo: new http.Agent({ keepAlive: true, maxSockets: opts.clients.echo }),
    slow: new http.Agent({ keepAlive: true, maxSockets: opts.clients.slow }),
  }
  const loadavgStart = os.loadavg().map((v) => Number(v.toFixed(2)))

  let stopping = false
  const onSignal = async (sig) => {
    if (stopping) return
    stopping = true
    log(`\n${sig}: stopping the server`)
    await h.stop(500)
    process.exit(130)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  try {
    await sleep(500)
    const start = { ...procStatus(h.pid), fds: fdCount(h.pid) }
    log(
      `soak: ${opts.minutes} min against pid ${h.pid} port ${port}; clients ${JSON.stringify(opts.clients)}; start rss ${mib(start.rss)} MiB, ${start.fds} fds`,
    )

    const t0 = Date.now()
    const stop = { at: t0 + opts.minutes * 60_000 }
    const expect200 = (s) => s === 200
    const load = Promise.all([
      pool('hello', opts.clients.hello, stats, stop, () => keepAliveRequest(agents.hello, port, 'GET', '/'), expect200),
      pool('echo', opts.clients.echo, stats, stop, () => keepAliveRequest(agents.echo, port, 'POST', '/echo', echoBody), expect200),
      pool('slow', opts.clients.slow, stats, stop, () => keepAliveRequest(agents.slow, port, 'GET', '/slow'), expect200),
      // An aborting client sees no answer (null), or the answer if it came first; anything else is unexpected.
      pool(
        'abort',
        opts.clients.abort,
        stats,
        stop,
        (i) => ABORTS[(stats.abort.ok + i) % ABORTS.length](port),
        (s) => s === null || s === 200 || s === 400,
        10,
      ),
      pool(
        'oversize',
        opts.clients.oversize,
        stats,
        stop,
        (i) => OVERSIZE[(stats.oversize.ok + i) % OVERSIZE.length](port),
        (s) => s === 413,
        20,
      ),
    ])

    const samples = []
    let last = JSON.parse(JSON.stringify(stats))
    let meter = cpuMeter([h.pid])
    const takeSample = async () => {
      const t = (Date.now() - t0) / 1000
      const proc = procStatus(h.pid)
      const fds = fdCount(h.pid)
      let js = null
      try {
        js = await h.jsMemory({ timeoutMs: 5000 })
      } catch {}
      let malloc = null
      try {
        malloc = await h.mallinfo({ timeoutMs: 5000 })
      } catch {}
      const done = {}
      for (const k of KINDS) done[k] = stats[k].ok - last[k].ok
      last = JSON.parse(JSON.stringify(stats))
      const cpu = meter.stop()
      meter = cpuMeter([h.pid])
      const s = {
        t: Math.round(t),
        rss: proc?.rss ?? null,
        rssAnon: proc?.rssAnon ?? null,
        rssFile: proc?.rssFile ?? null,
        fds,
        threads: proc?.threads ?? null,
        heapUsed: js?.memory.heapUsed ?? null,
        heapTotal: js?.memory.heapTotal ?? null,
        mallocInUse: malloc ? malloc.uordblks + malloc.hblkhd : null,
        mallocFree: malloc?.fordblks ?? null,
        done,
        othersCpu: cpu.others,
      }
      samples.push(s)
      log(
        `  t=${String(s.t).padStart(4)}s rss ${mib(s.rss)} MiB fds ${s.fds} heap ${mib(s.heapUsed)}/${mib(s.heapTotal)} ` +
          `done ${KINDS.map((k) => `${k} ${done[k]}`).join(', ')}; others' CPU ${cpu.others}`,
      )
    }
    const sampler = (async () => {
      let next = t0 + opts.sampleS * 1000
      while (next <= stop.at + 100) {
        await sleep(Math.max(0, next - Date.now()))
        if (h.exited) return
        await takeSample()
        next += opts.sampleS * 1000
      }
    })()
    await Promise.all([load, sampler])
    for (const a of Object.values(agents)) a.destroy()
    if (h.exited) throw new Error(`the server exited during the soak: ${h.stderrTail()}`)

    // Idle keep-alive connections close after the server's keepAliveTimeout (5 s): wait for that, then the descriptors must be back.
    await sleep(7000)
    const idle = { ...procStatus(h.pid), fds: fdCount(h.pid), js: (await h.jsMemory()).memory }
    const gced = { ...(await h.jsMemory({ gc: true })).memory, ...procStatus(h.pid) }
    const malloc = await h.mallinfo().catch(() => null)

    const loadSamples = samples.filter((s) => s.rss != null)
    const rss = trend(loadSamples, (s) => s.rss / 2 ** 20)
    const fds = trend(loadSamples, (s) => s.fds)
    const heap = trend(
      loadSamples.filter((s) => s.heapUsed != null),
      (s) => s.heapUsed / 2 ** 20,
    )
    const totals = Object.fromEntries(KINDS.map((k) => [k, stats[k]]))
    const failures = KINDS.reduce(
      (n, k) => n + Object.values(stats[k].errors).reduce((a, b) => a + b, 0) + Object.values(stats[k].unexpected).reduce((a, b) => a + b, 0),
      0,
    )
    // Bounded: the last quarter is within 10 % (or 8 MiB) of the first and the second half no longer climbs (< 0.5 MiB/min);
    // descriptors back to the start (+2) once idle, and the last quarter not above the first by more than 10 % (+8).
    const rssBounded = rss.last <= Math.max(rss.first * 1.1, rss.first + 8) && rss.slopeSecondHalfPerMin < 0.5
    const fdsBounded = idle.fds <= start.fds + 2 && fds.last <= Math.max(fds.first * 1.1, fds.first + 8)
    const verdict = {
      rss: rssBounded ? 'bounded' : 'GROWING',
      fds: fdsBounded ? 'bounded' : 'GROWING',
      failures,
      pass: rssBounded && fdsBounded,
    }

    const result = {
      meta: {
        date: new Date(t0).toISOString(),
        commit: gitCommit(),
        node: process.version,
        cores: os.cpus().length,
        kernelSha256: kernel?.sha256 ?? null,
        server: 'servers/soak/vectora.mjs (app defaults: bodyLimit 1 MiB, maxPending 1024, keepAliveTimeout 5 s)',
        minutes: opts.minutes,
        sampleS: opts.sampleS,
        clients: opts.clients,
        loadavgStart,
        loadavgEnd: os.loadavg().map((v) => Number(v.toFixed(2))),
        othersCpuMean: Number(mean(loadSamples.map((s) => s.othersCpu)).toFixed(2)),
      },
      start: { rss: start.rss, rssAnon: start.rssAnon, rssFile: start.rssFile, fds: start.fds, threads: start.threads },
      samples,
      afterIdle: { rss: idle.rss, rssAnon: idle.rssAnon, fds: idle.fds, threads: idle.threads, heapUsed: idle.js.heapUsed, heapTotal: idle.js.heapTotal },
      afterGc: {
        rss: gced.rss,
        rssAnon: gced.rssAnon,
        heapUsed: gced.heapUsed,
        heapTotal: gced.heapTotal,
        mallocInUse: malloc ? malloc.uordblks + malloc.hblkhd : null,
        mallocFree: malloc?.fordblks ?? null,
      },
      totals,
      trend: { rssMiB: rss, fds, heapUsedMiB: heap },
      verdict,
    }

    const rows = loadSamples.map((s) => [
      String(s.t),
      mib(s.rss),
      mib(s.rssAnon),
      String(s.fds),
      String(s.threads),
      s.heapUsed == null ? '-' : `${mib(s.heapUsed)}/${mib(s.heapTotal)}`,
      s.mallocInUse == null ? '-' : `${mib(s.mallocInUse)}/${mib(s.mallocFree)}`,
      ...KINDS.map((k) => String(s.done[k])),
      s.othersCpu.toFixed(2),
    ])
    rows.push([
      'idle',
      mib(idle.rss),
      mib(idle.rssAnon),
      String(idle.fds),
      String(idle.threads),
      `${mib(idle.js.heapUsed)}/${mib(idle.js.heapTotal)}`,
      '-',
      '',
      '',
      '',
      '',
      '',
      '',
    ])
    rows.push([
      'gc',
      mib(gced.rss),
      mib(gced.rssAnon),
      '-',
      '-',
      `${mib(gced.heapUsed)}/${mib(gced.heapTotal)}`,
      malloc ? `${mib(malloc.uordblks + malloc.hblkhd)}/${mib(malloc.fordblks)}` : '-',
      '',
      '',
      '',
      '',
      '',
      '',
    ])
    const f1 = (v) => v.toFixed(1)
    const f2 = (v) => v.toFixed(2)
    const out = [
      `Vectora soak  ${result.meta.date}  commit ${result.meta.commit ?? '-'}  node ${process.version}  ${result.meta.cores} cores  kernel sha256 ${kernel?.sha256.slice(0, 12) ?? '-'}`,
      `${opts.minutes} min, sample every ${opts.sampleS}s; clients ${KINDS.map((k) => `${k} ${opts.clients[k]}`).join(', ')}; load avg ${loadavgStart.join(' ')} -> ${result.meta.loadavgEnd.join(' ')}`,
      `start: rss ${mib(start.rss)} MiB (anon ${mib(start.rssAnon)}), ${start.fds} fds, ${start.threads} threads`,
      '',
      table(['t (s)', 'rss', 'anon', 'fds', 'thr', 'heap u/t', 'malloc used/free', ...KINDS, 'others cpu'], rows),
      '',
      `totals: ${KINDS.map((k) => `${k} ${stats[k].ok} ok${fmtCounts(stats[k].unexpected, ' unexpected ')}${fmtCounts(stats[k].errors, ' errors ')}`).join('; ')}`,
      `RSS MiB: first quartile ${f1(rss.first)}, last quartile ${f1(rss.last)}, min ${f1(rss.min)}, max ${f1(rss.max)}; slope ${f2(rss.slopePerMin)} MiB/min (second half ${f2(rss.slopeSecondHalfPerMin)})`,
      `fds: start ${start.fds}, first quartile ${f1(fds.first)}, last quartile ${f1(fds.last)}, max ${fds.max}, after idle ${idle.fds}; slope ${f2(fds.slopePerMin)}/min`,
      `JS heap used MiB: first quartile ${f1(heap.first)}, last quartile ${f1(heap.last)}; after GC ${mib(gced.heapUsed)}`,
      `verdict: RSS ${verdict.rss}, fds ${verdict.fds}, ${failures} failed requests -> ${verdict.pass ? 'PASS' : 'FAIL'}`,
    ]
    process.stdout.write(`${out.join('\n')}\n`)
    mkdirSync(path.dirname(opts.out), { recursive: true })
    writeFileSync(`${opts.out}.tmp`, `${JSON.stringify(result, null, 2)}\n`)
    renameSync(`${opts.out}.tmp`, opts.out)
    log(`wrote ${path.relative(process.cwd(), opts.out)}`)
    if (!verdict.pass) process.exitCode = 1
  } finally {
    await h.stop()
  }
}

function fmtCounts(obj, label) {
  const e = Object.entries(obj)
  return e.length ? `,${label}${e.map(([k, v]) => `${k}:${v}`).join(' ')}` : ''
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim()
  } catch {
    return null
  }
}

main().catch((err) => {
  log(`soak: ${err.stack ?? err.message}`)
  process.exit(1)
})
