#!/usr/bin/env node
/**
 * The regression budget (`npm run bench:check` at the repo root).
 *
 * bench/budget.json holds the req/s ratios vectora / fastify the project
 * reaches on a few cases, measured side by side in one run. This reruns those
 * cases only, short (3 s x 3 rounds by default, vectora and fastify
 * interleaved as in run.mjs), and compares. A case is a regression only when
 * its ratio falls below
 *
 *     budget ratio * (1 - tolerance),   tolerance = max(budget spread, measured spread, 10 %)
 *
 * where a spread is (max - min) / median of the per-round ratios (round i of
 * vectora over round i of fastify, measured back to back): the noise the two
 * runs showed themselves. It prints a table and exits 1 on a regression, 2
 * when a case could not be measured, 0 otherwise.
 *
 * `others cpu` is the mean number of cores that processes outside the run
 * (other engineers' builds and tests on the shared machine) used during the
 * case, sampled from /proc every 2 s; above 0.25 the case is named as measured
 * on a busy machine, since one busy core costs the multi-threaded kernel more
 * than single-threaded fastify.
 *
 *   node bench/check.mjs                       check against bench/budget.json
 *   node bench/check.mjs --write               measure (5 s x 3 rounds) and write bench/budget.json
 *
 * Options:
 *   --duration N   seconds per measured run (3; 5 with --write)
 *   --rounds N     rounds per case (3)
 *   --budget FILE  the budget file (bench/budget.json)
 *   --write        write the budget from this run instead of checking
 *   --help
 */

import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { fmt, median, table } from './lib/report.mjs'

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
const BASELINE = 'fastify'
const SERVER = 'vectora'
/** The cases the budget covers, and the smallest tolerance any of them gets. */
const CASES = ['hello@100', 'hello@10', 'pipeline@100', 'stack/public@100', 'stack/me@100']
const MIN_TOLERANCE_PCT = 10

const log = (msg) => process.stderr.write(`${msg}\n`)
const shown = (file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file))

/**
 * Which kernel build was measured: the sha256 (first 16 hex digits) of
 * kernel/index.node, and whether kernel/src had uncommitted changes (the
 * shared tree is rebuilt by other engineers; the commit alone may not say).
 */
function kernelBuild() {
  const repo = path.resolve(BENCH_DIR, '..')
  let sha = null
  try {
    sha = createHash('sha256')
      .update(readFileSync(path.join(repo, 'kernel', 'index.node')))
      .digest('hex')
      .slice(0, 16)
  } catch {}
  let dirty = null
  try {
    dirty = execFileSync('git', ['status', '--porcelain', '--', 'kernel/src', 'kernel/ts'], { cwd: repo, encoding: 'utf8' }).trim() !== ''
  } catch {}
  return { indexNodeSha256: sha, uncommittedKernelChanges: dirty }
}

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    rounds: { type: 'string' },
    budget: { type: 'string' },
    write: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  const header = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(import.meta.url), 'utf8'))
  process.stdout.write(`${header[1].replace(/^ \* ?/gm, '').trim()}\n`)
  process.exit(0)
}
const budgetFile = path.resolve(values.budget ?? path.join(BENCH_DIR, 'budget.json'))
const durationS = values.duration ?? (values.write ? '5' : '3')
const rounds = values.rounds ?? '3'

/** utime + stime (clock ticks) of every process, and each one's parent. */
function processTicks() {
  const ticks = new Map()
  const parent = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parent.set(Number(name), Number(f[1]))
      ticks.set(Number(name), Number(f[11]) + Number(f[12]))
    } catch {}
  }
  return { ticks, parent }
}

/**
 * Samples, every 2 s, the CPU (in cores) used by processes outside `rootPid`'s
 * tree and this one: other engineers' builds and test suites on the shared
 * machine. `current()` names the case a sample is counted for. Linux only
 * (/proc); elsewhere it records nothing.
 */
function contentionSampler(rootPid, current) {
  const HZ = 100 // USER_HZ: /proc reports clock ticks of 1/100 s on Linux
  const byCase = new Map()
  const outside = () => {
    const { ticks, parent } = processTicks()
    const mine = new Set([process.pid])
    for (const pid of ticks.keys()) {
      let p = pid
      const chain = []
      while (p && !mine.has(p) && p !== rootPid && p !== 1 && chain.length < 64) {
        chain.push(p)
        p = parent.get(p)
      }
      if (p === rootPid || mine.has(p)) for (const q of [...chain, p]) mine.add(q)
    }
    return new Map([...ticks].filter(([pid]) => !mine.has(pid)))
  }
  let prev = outside()
  let prevAt = Date.now()
  const timer = setInterval(() => {
    const id = current()
    const now = outside()
    const at = Date.now()
    let used = 0
    for (const [pid, t] of now) used += t - (prev.get(pid) ?? t)
    if (id) {
      if (!byCase.has(id)) byCase.set(id, [])
      byCase.get(id).push(used / HZ / ((at - prevAt) / 1000))
    }
    prev = now
    prevAt = at
  }, 2000)
  return {
    stop: () => clearInterval(timer),
    /** Mean cores used by others while `id` ran, or null. */
    mean: (id) => {
      const v = byCase.get(id)
      return v?.length ? v.reduce((a, b) => a + b, 0) / v.length : null
    },
  }
}

/**
 * Run bench/run.mjs on the budget's cases only (its table and progress go to
 * stderr), watching how busy the rest of the machine is per case.
 */
async function measure() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vectora-bench-check-'))
  const json = path.join(tmp, 'report.json')
  const args = [
    path.join(BENCH_DIR, 'run.mjs'),
    '--only',
    `${SERVER},${BASELINE}`,
    '--scenarios',
    [...new Set(CASES.map((c) => c.split('@')[0].split('/')[0]))].join(','),
    '--connections',
    [...new Set(CASES.map((c) => c.split('@')[1]))].join(','),
    '--cases',
    CASES.join(','),
    '--duration',
    durationS,
    '--rounds',
    rounds,
    '--json',
    json,
    '--no-build',
  ]
  log(`node ${args.map((a) => path.relative(process.cwd(), a) || a).join(' ')}`)
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let caseId = null
  let pending = ''
  child.stdout.pipe(process.stderr)
  child.stderr.on('data', (d) => {
    process.stderr.write(d)
    pending += d
    const lines = pending.split('\n')
    pending = lines.pop()
    for (const line of lines) {
      const m = /^== (\S+):/.exec(line)
      if (m) caseId = m[1]
    }
  })
  const sampler = contentionSampler(child.pid, () => caseId)
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)))
  sampler.stop()
  try {
    if (code !== 0) throw new Error(`bench/run.mjs exited ${code}`)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    for (const c of report.cases) c.othersCores = sampler.mean(c.id)
    return report
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** The ratio of one case of a report, with the spread of its per-round ratios; or { note } when unmeasured. */
function ratioOf(report, id) {
  const kase = report.cases.find((c) => c.id === id)
  const entry = (name) => kase?.results.find((e) => e.server === name)
  const v = entry(SERVER)
  const f = entry(BASELINE)
  if (!kase || v?.status !== 'ok' || f?.status !== 'ok') {
    const bad = [v, f].find((e) => e && e.status !== 'ok')
    return { note: bad ? `${bad.server} ${bad.status}: ${bad.note}` : 'not measured' }
  }
  const ratio = v.median.rps / f.median.rps
  // Rounds are interleaved (each round measures both servers back to back), so
  // pair them; with a failed round the lists differ and the req/s spreads add.
  let spreadPct
  if (v.runs.length === f.runs.length && v.runs.length > 1) {
    const perRound = v.runs.map((r, i) => r.rps / f.runs[i].rps)
    spreadPct = ((Math.max(...perRound) - Math.min(...perRound)) / median(perRound)) * 100
  } else {
    spreadPct = v.spreadPct + f.spreadPct
  }
  return {
    ratio,
    spreadPct,
    othersCores: kase.othersCores,
    [SERVER]: { rps: v.median.rps, spreadPct: v.spreadPct, p99Ms: v.median.p99Ms, errors: v.errors },
    [BASELINE]: { rps: f.median.rps, spreadPct: f.spreadPct, p99Ms: f.median.p99Ms, errors: f.errors },
  }
}

const round = (x, digits) => Number(x.toFixed(digits))

/** Mean cores other processes used during a case, as a table cell. */
const cores = (v) => (v == null ? '-' : v.toFixed(2))
/** Above this many cores used by others during a case, its numbers are not to be trusted. */
const BUSY_CORES = 0.25

async function write() {
  const report = await measure()
  const cases = {}
  for (const id of CASES) {
    const m = ratioOf(report, id)
    if (m.note) throw new Error(`${id}: ${m.note}; no budget written`)
    cases[id] = {
      ratio: round(m.ratio, 3),
      spreadPct: round(m.spreadPct, 1),
      othersCores: m.othersCores == null ? null : round(m.othersCores, 2),
      [SERVER]: { rps: Math.round(m[SERVER].rps), spreadPct: round(m[SERVER].spreadPct, 1) },
      [BASELINE]: { rps: Math.round(m[BASELINE].rps), spreadPct: round(m[BASELINE].spreadPct, 1) },
    }
  }
  const { meta } = report
  const budget = {
    about:
      'req/s of vectora divided by fastify, measured side by side by `node bench/check.mjs --write`. ' +
      '`npm run bench:check` reruns these cases and fails when a ratio falls below ratio * (1 - max(spread, measured spread, 10%)). ' +
      'spreadPct: (max - min) / median of the per-round ratios; othersCores: mean cores other processes used during the case. Rewrite it (with --write) when a change is meant to move a ratio.',
    date: meta.date,
    commit: meta.commit,
    kernel: kernelBuild(),
    machine: `${meta.cores} cores, ${meta.cpu}, ${meta.platform}`,
    node: meta.node,
    loadgen: meta.loadgen,
    run: `${meta.durationS}s x ${meta.rounds} rounds, ${meta.warmupS}s warm-up, ${SERVER} and ${BASELINE} interleaved`,
    baseline: BASELINE,
    cases,
  }
  writeFileSync(budgetFile, `${JSON.stringify(budget, null, 2)}\n`)
  process.stdout.write(`${renderTable(budget, null)}\n\nwrote ${shown(budgetFile)}\n`)
  const busy = Object.keys(cases).filter((id) => cases[id].othersCores > BUSY_CORES)
  if (busy.length) {
    process.stdout.write(`warning: the machine was busy during ${busy.join(', ')} (others cpu > ${BUSY_CORES} cores): rewrite it when it is quiet\n`)
  }
}

async function check() {
  let budget
  try {
    budget = JSON.parse(readFileSync(budgetFile, 'utf8'))
  } catch (err) {
    log(`bench:check: cannot read ${budgetFile}: ${err.message} (write one with node bench/check.mjs --write)`)
    process.exit(2)
  }
  const report = await measure()
  const measured = new Map(Object.keys(budget.cases).map((id) => [id, ratioOf(report, id)]))
  const verdicts = renderTable(budget, measured)
  process.stdout.write(
    `\nbench:check against ${shown(budgetFile)} (${budget.date}, commit ${budget.commit ?? '?'}, ` +
      `index.node ${budget.kernel?.indexNodeSha256 ?? '?'}; now ${report.meta.commit ?? '?'}, index.node ${kernelBuild().indexNodeSha256 ?? '?'}, ` +
      `${report.meta.durationS}s x ${report.meta.rounds} rounds)\n\n${verdicts.text}\n`,
  )
  if (verdicts.busy.length) {
    process.stdout.write(
      `\nthe machine was busy during ${verdicts.busy.join(', ')} (other processes used more than ${BUSY_CORES} cores): ` +
        'those ratios are not comparable; rerun when it is quiet\n',
    )
  }
  if (verdicts.regressions.length) {
    process.stdout.write(`\nregression: ${verdicts.regressions.join(', ')} fell below the budget by more than the noise allows\n`)
    process.exit(1)
  }
  if (verdicts.unmeasured.length) {
    process.stdout.write(`\nnot measured: ${verdicts.unmeasured.join(', ')}\n`)
    process.exit(2)
  }
  process.stdout.write('\nno regression\n')
}

/** The budget alone (measured null), or budget vs measured with a verdict per case. */
function renderTable(budget, measured) {
  if (!measured) {
    const rows = Object.entries(budget.cases).map(([id, c]) => [
      id,
      fmt.ratio(c.ratio),
      fmt.pct(c.spreadPct),
      cores(c.othersCores),
      fmt.rps(c[SERVER].rps),
      fmt.pct(c[SERVER].spreadPct),
      fmt.rps(c[BASELINE].rps),
      fmt.pct(c[BASELINE].spreadPct),
    ])
    return table(['case', 'ratio', 'spread', 'others cpu', `${SERVER} req/s`, 'spread', `${BASELINE} req/s`, 'spread'], rows)
  }
  const regressions = []
  const unmeasured = []
  const busy = []
  const rows = Object.entries(budget.cases).map(([id, b]) => {
    const m = measured.get(id)
    if (m.note) {
      unmeasured.push(id)
      return [id, fmt.ratio(b.ratio), '-', '-', '-', '-', '-', '-', '-', `not measured (${m.note})`]
    }
    const tolerancePct = Math.max(b.spreadPct, m.spreadPct, MIN_TOLERANCE_PCT)
    const floor = b.ratio * (1 - tolerancePct / 100)
    const change = (m.ratio / b.ratio - 1) * 100
    if (m.othersCores > BUSY_CORES) busy.push(id)
    let verdict = 'ok'
    if (m.ratio < floor) {
      verdict = 'REGRESSION'
      regressions.push(id)
    } else if (m.ratio > b.ratio * (1 + tolerancePct / 100)) {
      verdict = 'better (update the budget?)'
    }
    return [
      id,
      fmt.ratio(b.ratio),
      fmt.ratio(m.ratio),
      `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`,
      fmt.pct(m.spreadPct),
      fmt.pct(tolerancePct),
      fmt.ratio(floor),
      cores(m.othersCores),
      `${fmt.rps(m[SERVER].rps)} / ${fmt.rps(m[BASELINE].rps)}`,
      verdict,
    ]
  })
  const header = ['case', 'budget', 'now', 'change', 'spread', 'tolerance', 'floor', 'others cpu', `req/s ${SERVER} / ${BASELINE}`, 'verdict']
  return { text: table(header, rows), regressions, unmeasured, busy }
}

try {
  if (values.write) await write()
  else await check()
} catch (err) {
  log(`bench:check: ${err.message}`)
  process.exit(2)
}
