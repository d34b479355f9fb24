#!/usr/bin/env node
/**
 * Memory after overload: does a Vectora server give memory back after bursts of load, and does it
 * stay bounded over repeated rounds? Not part of `npm test` or `npm run bench`.
 *
 * For each allocator variant (glibc default, glibc with MALLOC_ARENA_MAX=2, jemalloc preloaded when
 * installed) and each scenario it starts a fresh server (a child process with --expose-gc, probed over
 * IPC by lib/memprobe.mjs) and runs N rounds of load. Between rounds, after an idle pause, it samples
 * the server's RSS (and RssAnon/RssFile), V8's heap used/total, external and arrayBuffers, then forces
 * a full GC and samples again, with where the resident memory sits (/proc/<pid>/smaps: glibc's main
 * heap, its 64 MiB thread arenas, other anonymous memory) and, under glibc, mallinfo2() (bytes malloc
 * holds in use / free). After the last round it waits, samples once more, calls malloc_trim(0) in the
 * server (lib/malloc-probe.c, preloaded) and samples again: what that frees was free memory the
 * allocator kept, not live data.
 *
 * Scenarios:
 *   slow      each round: --bursts bursts of --concurrency requests at once, each its own raw TCP
 *             connection (Connection: close) to GET /slow, a 200 ms handler (servers/soak/vectora.mjs,
 *             maxPending raised to --max-pending so that every request reaches JavaScript)
 *   pipeline  each round: wrk -c --pipeline-connections for --pipeline-seconds against the bench's
 *             pipeline app (servers/pipeline/vectora.mjs: onRequest + onSend hooks, a body contract)
 *
 * Output: one table per variant and scenario, then a summary, on stdout (progress on stderr);
 * --json FILE also writes every sample.
 *
 * Options:
 *   --rounds N                rounds per scenario (8)
 *   --concurrency N           requests per burst, all in flight at once (5000)
 *   --bursts N                bursts per slow round (2)
 *   --max-pending N           the slow server's maxPending (10000; 0 = the app default, 1024)
 *   --pipeline-seconds N      wrk duration per pipeline round (10)
 *   --pipeline-connections N  wrk connections (100)
 *   --idle N                  seconds between the end of a round's load and its samples (5)
 *   --settle N                seconds after the last round before the final samples and the trim (15)
 *   --variants L              glibc,arena2,jemalloc (all that are available)
 *   --scenarios L             slow,pipeline (both)
 *   --json FILE               write all samples as JSON
 *   --help
 */

import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import {
  buildMallocProbe,
  cpuMeter,
  findJemalloc,
  mib,
  procStatus,
  rssSampler,
  scratchDir,
  smapsClasses,
  snapshotKernel,
  startProbed,
  stopAll,
} from './lib/probe.mjs'
import { table } from './lib/report.mjs'
import { PIPELINE } from './lib/scenarios.mjs'
import { BENCH_DIR } from './lib/servers.mjs'

const log = (msg) => process.stderr.write(`${msg}\n`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const WRK_LUA = path.join(BENCH_DIR, 'lib', 'wrk.lua')

function parseOptions() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '8' },
      concurrency: { type: 'string', default: '5000' },
      bursts: { type: 'string', default: '2' },
      'max-pending': { type: 'string', default: '10000' },
      'pipeline-seconds': { type: 'string', default: '10' },
      'pipeline-connections': { type: 'string', default: '100' },
      idle: { type: 'string', default: '5' },
      settle: { type: 'string', default: '15' },
      variants: { type: 'string' },
      scenarios: { type: 'string', default: 'slow,pipeline' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    // The help text is this file's header comment.
    const header = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(import.meta.url), 'utf8'))
    process.stdout.write(`${header[1].replace(/^ \* ?/gm, '').trim()}\n`)
    process.exit(0)
  }
  const int = (name, min) => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < min) throw new Error(`invalid --${name}: ${values[name]}`)
    return n
  }
  const list = (s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
  const opts = {
    rounds: int('rounds', 1),
    concurrency: int('concurrency', 1),
    bursts: int('bursts', 1),
    maxPending: int('max-pending', 0),
    pipelineSeconds: int('pipeline-seconds', 1),
    pipelineConnections: int('pipeline-connections', 1),
    idleS: int('idle', 0),
    settleS: int('settle', 0),
    variants: list(values.variants),
    scenarios: list(values.scenarios),
    json: values.json,
  }
  for (const s of opts.scenarios) if (!['slow', 'pipeline'].includes(s)) throw new Error(`unknown scenario ${s} (slow, pipeline)`)
  return opts
}

// ------------------------------------------------------------------ load --

/**
 * `n` requests at once, each on its own connection, all opened before any answer is awaited.
 * Resolves to { ok, statuses, errors, ms }; a request not answered within `timeoutMs` counts as an error.
 */
function burst(port, n, reqPath, timeoutMs = 60_000) {
  const request = `GET ${reqPath} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`
  const t0 = performance.now()
  const statuses = {}
  const errors = {}
  let done = 0
  let ok = 0
  return new Promise((resolve) => {
    const finish = () => {
      if (++done === n) resolve({ ok, statuses, errors, ms: performance.now() - t0 })
    }
    for (let i = 0; i < n; i++) {
      const s = net.connect({ port, host: '127.0.0.1' })
      let head = ''
      let settled = false
      const end = (err) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        const m = /^HTTP\/1\.1 (\d{3})/.exec(head)
        if (m) {
          statuses[m[1]] = (statuses[m[1]] ?? 0) + 1
          if (m[1] === '200') ok++
        } else {
          const code = err?.code ?? (head ? 'bad-response' : 'no-response')
          errors[code] = (errors[code] ?? 0) + 1
        }
        s.destroy()
        finish()
      }
      const timer = setTimeout(() => end({ code: 'timeout' }), timeoutMs)
      s.setNoDelay(true)
      s.on('connect', () => s.write(request))
      s.on('data', (d) => {
        if (head.length < 64) head += d.toString('latin1')
      })
      s.on('end', () => end())
      s.on('error', (err) => end(err))
      s.on('close', () => end())
    }
  })
}

/** One wrk run of the pipeline scenario; resolves to { requests, rps, errors, statusErrors }. */
function wrkPipeline(port, connections, seconds, bodyFile) {
  return new Promise((resolve, reject) => {
    const args = ['-t1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '5s', '-s', WRK_LUA, `http://127.0.0.1:${port}/pipeline`]
    const child = spawn('wrk', args, { env: { ...process.env, BENCH_METHOD: 'POST', BENCH_BODY_FILE: bodyFile }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
    child.stderr.resume()
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '))
      if (!line) return reject(new Error(`wrk exited ${code} without a result`))
      const j = JSON.parse(line.slice(9))
      const e = j.errors
      resolve({
        requests: j.requests,
        rps: j.requests / (j.duration_us / 1e6),
        errors: e.connect + e.read + e.write + e.timeout,
        statusErrors: e.status,
      })
    })
  })
}

// --------------------------------------------------------------- samples --

/** Everything one sample records: /proc, smaps, mallinfo2 and (over IPC) V8, after a GC when `gc`. */
async function sample(h, { gc = false } = {}) {
  const js = await h.jsMemory({ gc })
  const proc = procStatus(h.pid)
  const smaps = smapsClasses(h.pid)
  let malloc = null
  try {
    malloc = await h.mallinfo()
  } catch (err) {
    log(`  ! mallinfo: ${err.message}`)
  }
  return {
    rss: proc.rss,
    rssAnon: proc.rssAnon,
    rssFile: proc.rssFile,
    threads: proc.threads,
    heapUsed: js.memory.heapUsed,
    heapTotal: js.memory.heapTotal,
    external: js.memory.external,
    arrayBuffers: js.memory.arrayBuffers,
    v8Physical: js.heap.total_physical_size,
    v8Malloced: js.heap.malloced_memory,
    newSpace: js.spaces.new_space?.size ?? null,
    oldSpace: js.spaces.old_space?.size ?? null,
    gcMs: js.gcMs,
    smaps,
    malloc: malloc && { inUse: malloc.uordblks + malloc.hblkhd, free: malloc.fordblks, arena: malloc.arena, mmapped: malloc.hblkhd },
  }
}

// ------------------------------------------------------------------ runs --

async function runScenario(scenario, variant, opts, ctx) {
  const program = scenario === 'slow' ? 'servers/soak/vectora.mjs' : 'servers/pipeline/vectora.mjs'
  const env = { ...variant.env }
  if (scenario === 'slow' && opts.maxPending > 0) env.BENCH_MAX_PENDING = String(opts.maxPending)
  log(
    `\n== ${variant.name} / ${scenario}: ${program} ${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  )
  const h = await startProbed({ program, env, kernel: ctx.kernel, mallocProbe: ctx.mallocProbe, jemalloc: variant.jemalloc, dir: ctx.dir })
  const rows = []
  try {
    // A few requests first, so that the baseline has the code paths compiled and the pools allocated.
    if (scenario === 'slow') await burst(h.port, 20, '/slow')
    else await wrkPipeline(h.port, 4, 1, ctx.bodyFile)
    await sleep(1000)
    const base = { round: 0, load: null, peak: procStatus(h.pid).rss, before: await sample(h), after: await sample(h, { gc: true }), cpu: null }
    rows.push(base)
    log(`  baseline: rss ${mib(base.after.rss)} MiB, heap ${mib(base.after.heapUsed)} MiB after GC`)

    for (let round = 1; round <= opts.rounds; round++) {
      const meter = cpuMeter([h.pid])
      const sampler = rssSampler(h.pid, 100)
      // V8's heap during the load too (over IPC, so it waits for the event loop): is a peak JS heap or native memory?
      const heapPeak = { heapTotal: 0, heapUsed: 0, external: 0 }
      let loading = true
      const heapWatch = (async () => {
        while (loading) {
          // What malloc holds in use (live native memory: Rust, Node's C++, Buffers); answered off the JS thread.
          try {
            const mi = await h.mallinfo({ timeoutMs: 5000 })
            if (mi) heapPeak.mallocInUse = Math.max(heapPeak.mallocInUse ?? 0, mi.uordblks + mi.hblkhd)
          } catch (err) {
            log(`  ! mallinfo during load: ${err.message}`)
          }
          try {
            const { memory } = await h.jsMemory({ timeoutMs: 5000 })
            for (const k of Object.keys(heapPeak)) if (k in memory) heapPeak[k] = Math.max(heapPeak[k], memory[k])
          } catch {}
          await sleep(250)
        }
      })()
      let load
      if (scenario === 'slow') {
        load = { ok: 0, statuses: {}, errors: {}, ms: 0, requests: 0 }
        for (let b = 0; b < opts.bursts; b++) {
          const r = await burst(h.port, opts.concurrency, '/slow')
          load.requests += opts.concurrency
          load.ok += r.ok
          load.ms += r.ms
          for (const [k, v] of Object.entries(r.statuses)) load.statuses[k] = (load.statuses[k] ?? 0) + v
          for (const [k, v] of Object.entries(r.errors)) load.errors[k] = (load.errors[k] ?? 0) + v
        }
      } else {
        const r = await wrkPipeline(h.port, opts.pipelineConnections, opts.pipelineSeconds, ctx.bodyFile)
        load = { requests: r.requests, ok: r.requests - r.statusErrors, rps: r.rps, errors: r.errors ? { socket: r.errors } : {}, statuses: {} }
        if (r.statusErrors) load.statuses['>=400'] = r.statusErrors
      }
      const rss = sampler.stop()
      const cpu = meter.stop()
      loading = false
      await heapWatch
      if (h.exited) throw new Error(`server exited during round ${round}: ${h.stderrTail()}`)
      await sleep(opts.idleS * 1000)
      const before = await sample(h)
      const after = await sample(h, { gc: true })
      rows.push({ round, load, peak: rss.max, heapPeak, before, after, cpu })
      const errs = Object.values(load.errors).reduce((a, b) => a + b, 0)
      log(
        `  round ${round}/${opts.rounds}: ${load.ok}/${load.requests} ok, ${errs} errors, peak ${mib(rss.max)} MiB, ` +
          `idle ${mib(before.rss)} MiB, after GC ${mib(after.rss)} MiB (heap ${mib(after.heapUsed)}), others' CPU ${cpu.others} cores`,
      )
    }

    await sleep(opts.settleS * 1000)
    const settled = await sample(h, { gc: true })
    let trimmed = null
    let trimInfo = null
    if (h.hasMallinfo) {
      try {
        trimInfo = await h.mallinfo({ trim: true })
        await sleep(500)
        trimmed = await sample(h)
      } catch (err) {
        log(`  ! malloc_trim: ${err.message}`)
      }
    }
    log(`  settled ${opts.settleS}s: rss ${mib(settled.rss)} MiB; after malloc_trim(0): ${trimmed ? `${mib(trimmed.rss)} MiB` : 'n/a'}`)
    return { variant: variant.name, scenario, program, env, rows, settled, trimmed, trimReturned: trimInfo?.trimmed ?? null }
  } finally {
    await h.stop()
  }
}

// ---------------------------------------------------------------- report --

function loadCell(load, scenario) {
  if (!load) return 'warm-up'
  const errs = Object.entries(load.errors)
    .map(([k, v]) => `${k} ${v}`)
    .join(' ')
  const other = Object.entries(load.statuses)
    .filter(([k]) => k !== '200')
    .map(([k, v]) => `${k}:${v}`)
    .join(' ')
  const base = scenario === 'slow' ? `${load.ok}/${load.requests}` : `${Math.round(load.rps).toLocaleString('en-US')}/s`
  return [base, other, errs].filter(Boolean).join(' ')
}

function renderRun(run) {
  const header = [
    'round',
    'load (ok)',
    'peak',
    'peak heapT',
    'peak malloc',
    'rss',
    'heap u/t',
    'ext/ab',
    '| gc: rss',
    'anon',
    'heap u/t',
    'new',
    'brk',
    'arenas (n)',
    'other anon',
    'malloc used/free',
    'others cpu',
  ]
  const m2 = (a, b) => `${mib(a)}/${mib(b)}`
  const rows = run.rows.map((r) => [
    String(r.round),
    loadCell(r.load, run.scenario),
    mib(r.peak),
    r.heapPeak ? mib(r.heapPeak.heapTotal) : '-',
    r.heapPeak?.mallocInUse ? mib(r.heapPeak.mallocInUse) : '-',
    mib(r.before.rss),
    m2(r.before.heapUsed, r.before.heapTotal),
    m2(r.before.external, r.before.arrayBuffers),
    `| ${mib(r.after.rss)}`,
    mib(r.after.rssAnon),
    m2(r.after.heapUsed, r.after.heapTotal),
    mib(r.after.newSpace),
    mib(r.after.smaps?.brkHeap),
    `${mib(r.after.smaps?.arenas)} (${r.after.smaps?.arenaCount ?? '-'})`,
    mib(r.after.smaps?.otherAnon),
    r.after.malloc ? m2(r.after.malloc.inUse, r.after.malloc.free) : '-',
    r.cpu ? r.cpu.others.toFixed(2) : '-',
  ])
  const extra = []
  const s = run.settled
  extra.push([
    'settled',
    '-',
    '-',
    '-',
    '-',
    '-',
    '-',
    '-',
    `| ${mib(s.rss)}`,
    mib(s.rssAnon),
    m2(s.heapUsed, s.heapTotal),
    mib(s.newSpace),
    mib(s.smaps?.brkHeap),
    `${mib(s.smaps?.arenas)} (${s.smaps?.arenaCount})`,
    mib(s.smaps?.otherAnon),
    s.malloc ? m2(s.malloc.inUse, s.malloc.free) : '-',
    '-',
  ])
  if (run.trimmed) {
    const t = run.trimmed
    extra.push([
      'trimmed',
      'malloc_trim(0)',
      '-',
      '-',
      '-',
      '-',
      '-',
      '-',
      `| ${mib(t.rss)}`,
      mib(t.rssAnon),
      m2(t.heapUsed, t.heapTotal),
      mib(t.newSpace),
      mib(t.smaps?.brkHeap),
      `${mib(t.smaps?.arenas)} (${t.smaps?.arenaCount})`,
      mib(t.smaps?.otherAnon),
      t.malloc ? m2(t.malloc.inUse, t.malloc.free) : '-',
      '-',
    ])
  }
  return table(header, [...rows, ...extra])
}

/** Least-squares slope of ys over xs. */
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

function summarizeRun(run) {
  const loaded = run.rows.filter((r) => r.round > 0)
  const base = run.rows[0].after
  const first = loaded[0].after
  const last = loaded.at(-1).after
  // From round 2 on: round 1 pays for one-off growth (pools, JIT code, arenas reaching their working size).
  const tail = loaded.length > 2 ? loaded.slice(1) : loaded
  const per = (key) =>
    slope(
      tail.map((r) => r.round),
      tail.map((r) => key(r.after)),
    )
  const rssSlope = per((a) => a.rss)
  const half = loaded.slice(Math.floor(loaded.length / 2))
  const rssSlopeHalf = slope(
    half.map((r) => r.round),
    half.map((r) => r.after.rss),
  )
  const heapSlope = per((a) => a.heapUsed)
  const mallocSlope = per((a) => a.malloc?.inUse ?? 0)
  const lines = [
    `${run.variant} / ${run.scenario}: rss after GC ${mib(base.rss)} (baseline) -> ${mib(first.rss)} (round 1) -> ${mib(last.rss)} MiB (round ${loaded.length}); ` +
      `peak ${mib(Math.max(...loaded.map((r) => r.peak)))} MiB`,
    `  slope from round 2: rss ${(rssSlope / 2 ** 20).toFixed(2)} MiB/round (second half ${(rssSlopeHalf / 2 ** 20).toFixed(2)}), JS heap used ${(heapSlope / 2 ** 20).toFixed(3)} MiB/round` +
      (run.rows[0].after.malloc ? `, malloc in use ${(mallocSlope / 2 ** 20).toFixed(3)} MiB/round` : ''),
    `  JS heap used after GC: ${mib(base.heapUsed)} -> ${mib(last.heapUsed)} MiB; anon rss ${mib(base.rssAnon)} -> ${mib(last.rssAnon)} MiB; ` +
      `file rss ${mib(base.rssFile)} -> ${mib(last.rssFile)} MiB`,
  ]
  if (last.malloc) {
    lines.push(
      `  glibc malloc after GC, last round: ${mib(last.malloc.inUse)} MiB in use, ${mib(last.malloc.free)} MiB free but kept (baseline ${mib(base.malloc.inUse)} / ${mib(base.malloc.free)})`,
    )
  }
  if (run.trimmed) {
    lines.push(`  malloc_trim(0) after ${run.settled ? 'settling' : 'the last round'}: rss ${mib(run.settled.rss)} -> ${mib(run.trimmed.rss)} MiB`)
  }
  return lines.join('\n')
}

// ------------------------------------------------------------------ main --

async function main() {
  const opts = parseOptions()
  const dir = scratchDir('vectora-memrounds-')
  const kernel = snapshotKernel()
  const probe = buildMallocProbe(dir)
  if (probe.error) log(`note: no malloc probe (${probe.error}): mallinfo and malloc_trim are skipped`)
  const jemalloc = findJemalloc()
  const bodyFile = path.join(dir, 'pipeline-body.json')
  writeFileSync(bodyFile, JSON.stringify(PIPELINE.body))

  const available = [
    { name: 'glibc', env: {}, describe: 'glibc malloc, defaults' },
    { name: 'arena2', env: { MALLOC_ARENA_MAX: '2' }, describe: 'glibc malloc, MALLOC_ARENA_MAX=2' },
    ...(jemalloc ? [{ name: 'jemalloc', env: {}, jemalloc, describe: `LD_PRELOAD=${jemalloc}` }] : []),
  ]
  const variants = opts.variants.length ? available.filter((v) => opts.variants.includes(v.name)) : available
  if (variants.length === 0) throw new Error(`no variant selected (available: ${available.map((v) => v.name).join(', ')})`)

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    loadavgStart: os.loadavg().map((v) => Number(v.toFixed(2))),
    kernelSha256: kernel?.sha256 ?? null,
    options: opts,
  }
  const ctx = { dir, kernel, mallocProbe: probe.so, bodyFile }
  const runs = []
  for (const variant of variants) {
    for (const scenario of opts.scenarios) {
      try {
        runs.push({ ...(await runScenario(scenario, variant, opts, ctx)), describe: variant.describe })
      } catch (err) {
        log(`  ! ${variant.name} / ${scenario} failed: ${err.message}`)
        runs.push({ variant: variant.name, scenario, error: err.message })
      }
    }
  }
  meta.loadavgEnd = os.loadavg().map((v) => Number(v.toFixed(2)))

  const out = []
  out.push(
    `Vectora memory rounds  ${meta.date}  node ${meta.node}  ${meta.cores} cores  kernel sha256 ${meta.kernelSha256?.slice(0, 12) ?? '-'}`,
    `${opts.rounds} rounds; slow: ${opts.bursts} x ${opts.concurrency} concurrent GET /slow (200 ms), one connection each, maxPending ${opts.maxPending || 'default'}; ` +
      `pipeline: wrk -c${opts.pipelineConnections} ${opts.pipelineSeconds}s; samples ${opts.idleS}s after each round's load, before and after a full GC`,
    `MiB throughout. peak: max VmRSS during the load (100 ms samples); peak heapT / peak malloc: max V8 heap total / malloc in use during it (~250 ms). rss, heap u/t (V8 used/total), ext/ab (external/arrayBuffers): before GC.`,
    `After "| gc:": VmRSS, RssAnon, V8 heap, new = V8's young generation (its size, which GC does not shrink), then where anon memory sits (smaps): brk = glibc main heap, arenas = glibc thread arenas (count),`,
    `other anon = V8 pages, stacks, mmapped mallocs; malloc used/free = mallinfo2 (glibc only). others cpu: cores used by other processes during the round.`,
    `load avg at start ${meta.loadavgStart.join(' ')}, at end ${meta.loadavgEnd.join(' ')}`,
  )
  for (const run of runs) {
    out.push('', `-- ${run.variant} / ${run.scenario}${run.describe ? ` (${run.describe})` : ''}`)
    if (run.error) {
      out.push(`failed: ${run.error}`)
      continue
    }
    out.push(renderRun(run))
  }
  out.push('', 'Summary')
  for (const run of runs) if (!run.error) out.push(summarizeRun(run))
  process.stdout.write(`${out.join('\n')}\n`)
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify({ meta, runs }, null, 2)}\n`)
    log(`wrote ${opts.json}`)
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    log(`\n${sig}: stopping`)
    await stopAll()
    process.exit(130)
  })
}

main().catch(async (err) => {
  log(`memory-rounds: ${err.stack ?? err.message}`)
  await stopAll()
  process.exit(1)
})
