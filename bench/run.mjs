#!/usr/bin/env node
/**
 * Vectora benchmark runner (`npm run bench` at the repo root).
 *
 * Compares Vectora with node:http, fastify, express, hono and a minimal raw
 * hyper server (bench/raw-hyper, the physical limit for the kernel). Every
 * server runs in its own process and is driven by the same load generator:
 * wrk when it is on PATH (one thread by default), else autocannon.
 *
 * For each case (scenario x connection count) all servers are started, their
 * answers are checked, each gets a short warm-up, and then they are measured
 * round-robin for several rounds (the starting server rotates every round) so
 * that machine drift hits all of them alike. The median of the rounds is
 * reported, with the peak RSS of each server process (VmHWM, read from
 * /proc/<pid>/status at the end of the case) and req/s ratios to fastify and
 * to raw hyper.
 *
 * The `pipeline` scenario (app-wide hooks and a body contract) runs against
 * each server's second program, bench/servers/pipeline/*.mjs; a server that
 * cannot express it (raw-hyper) is reported as n/a for it. The `stack`
 * scenarios (stack/public, stack/me: CORS, a rate limit and JWT plugins) run
 * against bench/servers/stack/*.mjs of vectora, fastify and hono.
 *
 * Output: a table on stdout (progress goes to stderr), plus
 * bench/results/latest.json and bench/results/latest.svg.
 *
 * Options (flag or environment variable):
 *   --duration N     BENCH_DURATION     seconds per measured run (5)
 *   --rounds N       BENCH_ROUNDS       rounds per case (3)
 *   --warmup N       BENCH_WARMUP       warm-up seconds per server and case (1; 0 = none)
 *   --connections L  BENCH_CONNECTIONS  connection counts, comma-separated (100,10)
 *   --only L         BENCH_ONLY         servers, comma-separated (all)
 *   --scenarios L    BENCH_SCENARIOS    scenarios: hello,param,echo,pipeline,stack,404 (all)
 *   --cases L        BENCH_CASES        only these cases of those, e.g. hello@100,stack/me@100 (all)
 *   --json FILE                         write the JSON report to FILE instead of results/latest.json
 *                                       and latest.svg (bench/check.mjs uses it)
 *   --threads N      BENCH_THREADS      load generator threads (1)
 *   --loadgen NAME   BENCH_LOADGEN      wrk | autocannon | auto (auto)
 *   --no-build       BENCH_NO_BUILD=1   do not run cargo build for raw-hyper
 *   --help
 */

import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { createLoadGen } from './lib/loadgen.mjs'
import { addRatios, fmt, renderReport, summarize } from './lib/report.mjs'
import { buildCases, checkScenario, SCENARIOS } from './lib/scenarios.mjs'
import { BENCH_DIR, ensureBenchDeps, peakRssKiB, programFor, REPO_DIR, SERVERS, startServer, stopServer } from './lib/servers.mjs'
import { renderSvg } from './lib/svg.mjs'

const RESULTS_DIR = path.join(BENCH_DIR, 'results')
const log = (msg) => process.stderr.write(`${msg}\n`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// ---------------------------------------------------------------- options --

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      scenarios: { type: 'string' },
      scenario: { type: 'string' },
      cases: { type: 'string' },
      json: { type: 'string' },
      threads: { type: 'string' },
      loadgen: { type: 'string' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    // The help text is this file's header comment.
    const header = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(import.meta.url), 'utf8'))
    process.stdout.write(`${header[1].replace(/^ \* ?/gm, '').trim()}\n`)
    process.exit(0)
  }
  const env = process.env
  const num = (name, raw, def, { min = 0, int = false } = {}) => {
    if (raw === undefined || raw === '') return def
    const n = Number(String(raw).replace(/s$/, ''))
    if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) {
      throw new Error(`invalid --${name}: ${raw}`)
    }
    return n
  }
  const list = (raw) =>
    raw
      ? String(raw)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : []

  const opts = {
    durationS: num('duration', values.duration ?? env.BENCH_DURATION, 5, { min: 1, int: true }),
    rounds: num('rounds', values.rounds ?? env.BENCH_ROUNDS, 3, { min: 1, int: true }),
    warmupS: num('warmup', values.warmup ?? env.BENCH_WARMUP, 1, { min: 0, int: true }),
    connections: list(values.connections ?? env.BENCH_CONNECTIONS).map((c) => num('connections', c, 0, { min: 1, int: true })),
    only: list(values.only ?? env.BENCH_ONLY),
    scenarios: list(values.scenarios ?? values.scenario ?? env.BENCH_SCENARIOS),
    cases: list(values.cases ?? env.BENCH_CASES),
    json: values.json ?? null,
    threads: num('threads', values.threads ?? env.BENCH_THREADS, 1, { min: 1, int: true }),
    loadgen: values.loadgen ?? env.BENCH_LOADGEN ?? 'auto',
    build: !(values['no-build'] || env.BENCH_NO_BUILD === '1'),
  }
  if (opts.connections.length === 0) opts.connections = [100, 10]

  const known = SERVERS.map((s) => s.name)
  for (const s of opts.only) {
    if (!known.includes(s)) throw new Error(`unknown server "${s}" (known: ${known.join(', ')})`)
  }
  const knownScenarios = [...new Set(SCENARIOS.flatMap((s) => (s.group ? [s.group, s.name] : [s.name])))]
  for (const s of opts.scenarios) {
    if (!knownScenarios.includes(s)) {
      throw new Error(`unknown scenario "${s}" (known: ${knownScenarios.join(', ')})`)
    }
  }
  return opts
}

// ------------------------------------------------------------ processes ----

/** Every server process currently running, so Ctrl-C can stop them. */
const live = new Set()

async function launch(def, program) {
  const handle = await startServer(def, { program })
  live.add(handle)
  handle.exitedP.then(() => live.delete(handle))
  return handle
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    log(`\n${sig}: stopping ${live.size} server(s)`)
    await Promise.all([...live].map((h) => stopServer(h, 500)))
    process.exit(130)
  })
}

// ------------------------------------------------------------------ main ---

async function main() {
  const opts = parseOptions(process.argv.slice(2))
  const selected = SERVERS.filter((s) => opts.only.length === 0 || opts.only.includes(s.name))
  const cases = buildCases(opts.scenarios, opts.connections).filter((c) => opts.cases.length === 0 || opts.cases.includes(c.id))
  if (cases.length === 0) throw new Error('no case selected')

  ensureBenchDeps({ log })
  const loadgen = await createLoadGen(opts.loadgen, { threads: opts.threads })

  // Server status: 'ok' until something rules it out for the whole run.
  const serverInfo = new Map(selected.map((s) => [s.name, { name: s.name, status: 'ok', note: '' }]))
  const skip = (name, note) => {
    Object.assign(serverInfo.get(name), { status: 'skipped', note })
    log(`  ! ${name} skipped: ${note}`)
  }
  for (const def of selected) {
    const note = def.preflight?.() ?? (def.prepare && opts.build ? def.prepare({ log }) : null)
    if (note) skip(def.name, note)
  }

  const perCase = opts.rounds * opts.durationS + opts.warmupS
  const estimate = cases.length * selected.length * perCase
  log(
    `load generator: ${loadgen.describe}; ${cases.length} case(s) x ${selected.length} server(s) x ` +
      `${opts.rounds} round(s) x ${opts.durationS}s (+${opts.warmupS}s warm-up): about ${Math.ceil(estimate / 60)} min`,
  )
  if (os.cpus().length <= 2) {
    log(`note: ${os.cpus().length} cores: the load generator competes with the server; compare ratios, not absolutes.`)
  }

  const report = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
      cores: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      commit: gitCommit(),
      loadgen: loadgen.describe,
      durationS: opts.durationS,
      rounds: opts.rounds,
      warmupS: opts.warmupS,
      threads: opts.threads,
      connections: opts.connections,
    },
    servers: [...serverInfo.values()],
    cases: [],
  }

  try {
    for (const kase of cases) {
      report.cases.push(await runCase(kase, selected, serverInfo, skip, loadgen, opts))
    }
  } finally {
    loadgen.close()
  }

  const text = renderReport(report)
  process.stdout.write(`\n${text}\n`)

  if (opts.json) {
    writeAtomic(path.resolve(opts.json), `${JSON.stringify(report, null, 2)}\n`)
    log(`\nwrote ${opts.json}`)
    return
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeAtomic(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
  writeAtomic(path.join(RESULTS_DIR, 'latest.svg'), renderSvg(report))
  log(`\nwrote ${path.relative(REPO_DIR, RESULTS_DIR)}/latest.json and latest.svg`)
}

/** Measure every selected server on one case, interleaved round-robin. */
async function runCase(kase, selected, serverInfo, skip, loadgen, opts) {
  const { scenario, connections } = kase
  log(`\n== ${kase.id}: ${scenario.describe}, ${connections} connections`)
  const entries = new Map() // server name -> entry
  const handles = []

  for (const def of selected) {
    const entry = { server: def.name, status: 'ok', note: '', runs: [], peakRssKiB: null }
    entries.set(def.name, entry)
    if (serverInfo.get(def.name).status !== 'ok') {
      Object.assign(entry, { status: 'skipped', note: serverInfo.get(def.name).note })
      continue
    }
    const program = programFor(def, scenario)
    if (program.unsupported) {
      Object.assign(entry, { status: 'unsupported', note: program.unsupported })
      continue
    }
    let handle
    try {
      handle = await launch(def, program)
    } catch (err) {
      if (scenario.app) {
        // Only this scenario's program is broken: the server's other cases still run.
        log(`  ! ${def.name} (${scenario.app} app) skipped for this case: startup failed: ${err.message}`)
        Object.assign(entry, { status: 'skipped', note: `startup failed: ${err.message}` })
        continue
      }
      // A server that cannot start is left out of the rest of the run.
      skip(def.name, `startup failed: ${err.message}`)
      Object.assign(entry, { status: 'skipped', note: serverInfo.get(def.name).note })
      continue
    }
    const wrong = await checkScenario(handle.port, scenario)
    if (wrong) {
      log(`  ! ${def.name} gives a wrong answer, skipped for this case: ${wrong}`)
      Object.assign(entry, { status: 'skipped', note: `wrong answer: ${wrong}` })
      await stopServer(handle)
      continue
    }
    handles.push(handle)
  }

  const alive = (h) => {
    const entry = entries.get(h.name)
    if (entry.status !== 'ok') return false
    if (h.exited) {
      const how = h.exited.signal ?? `code ${h.exited.code}`
      Object.assign(entry, { status: 'skipped', note: `crashed (${how}) ${h.stderrTail()}`.trim() })
      log(`  ! ${h.name} crashed during ${kase.id}`)
      return false
    }
    return true
  }

  try {
    if (opts.warmupS > 0) {
      for (const h of handles) {
        if (!alive(h)) continue
        await loadgen
          .run({ port: h.port, scenario, connections, durationS: opts.warmupS })
          .catch((err) => log(`  ! warm-up of ${h.name} failed: ${err.message}`))
      }
    }

    for (let round = 0; round < opts.rounds; round++) {
      // Rotate the starting server each round so no server always goes first.
      const order = handles.map((_, i) => handles[(i + round) % handles.length])
      for (const h of order) {
        if (!alive(h)) continue
        await sleep(250)
        try {
          const r = await loadgen.run({ port: h.port, scenario, connections, durationS: opts.durationS })
          entries.get(h.name).runs.push(r)
          log(
            `  round ${round + 1}/${opts.rounds}  ${h.name.padEnd(9)}  ${fmt.rps(r.rps).padStart(8)} req/s` +
              `  p50 ${fmt.ms(r.p50Ms)}  p99 ${fmt.ms(r.p99Ms)}` +
              (r.socketErrors ? `  socket errors ${r.socketErrors}` : ''),
          )
        } catch (err) {
          log(`  ! ${h.name}: load generator failed: ${err.message}`)
        }
      }
    }

    for (const h of handles) {
      if (!alive(h)) continue
      entries.get(h.name).peakRssKiB = peakRssKiB(h.pid)
    }
  } finally {
    await Promise.all(handles.map((h) => stopServer(h)))
  }

  const results = [...entries.values()].map((e) => {
    if (e.status === 'ok' && e.runs.length === 0) {
      Object.assign(e, { status: 'skipped', note: 'no successful run' })
    }
    return e.status === 'ok' ? { ...e, ...summarize(scenario, e.runs) } : e
  })
  addRatios(results)
  return {
    id: kase.id,
    scenario: scenario.name,
    title: scenario.title,
    describe: scenario.describe,
    connections,
    results,
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    }).trim()
  } catch {
    return null
  }
}

function writeAtomic(file, content) {
  const tmp = `${file}.tmp`
  writeFileSync(tmp, content)
  renameSync(tmp, file)
}

main().catch(async (err) => {
  log(`bench: ${err.message}`)
  await Promise.all([...live].map((h) => stopServer(h, 500)))
  process.exit(1)
})
