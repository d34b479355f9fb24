// Summaries (medians, ratios) and the plain-text table printed by run.mjs.

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return null
  const mid = v.length >> 1
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

/**
 * Summarise one server's runs for one case.
 * @param {object} scenario
 * @param {Array} runs   normalised load generator results
 */
export function summarize(scenario, runs) {
  const rps = median(runs.map((r) => r.rps))
  const rpsAll = runs.map((r) => r.rps)
  const spreadPct = runs.length > 1 && rps ? ((Math.max(...rpsAll) - Math.min(...rpsAll)) / rps) * 100 : 0
  let errors = 0
  for (const r of runs) {
    // wrk and autocannon both count status >= 400 as "status errors"; for the
    // 404 scenario those are the expected answers.
    const unexpected = scenario.expectStatus >= 400 ? Math.max(0, r.requests - r.statusErrors) : r.statusErrors
    errors += r.socketErrors + unexpected
  }
  return {
    median: {
      rps,
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
    },
    spreadPct,
    errors,
  }
}

/** Add vsFastify / vsRawHyper ratios (req/s) to every ok entry of a case. */
export function addRatios(entries) {
  const base = (name) => entries.find((e) => e.server === name && e.status === 'ok')?.median.rps
  const fastify = base('fastify')
  const hyper = base('raw-hyper')
  for (const e of entries) {
    if (e.status !== 'ok') continue
    e.vsFastify = fastify ? e.median.rps / fastify : null
    e.vsRawHyper = hyper ? e.median.rps / hyper : null
  }
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export const fmt = {
  rps: (v) => (v == null ? '-' : int.format(v)),
  ms: (v) => (v == null ? '-' : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`),
  mib: (kib) => (kib == null ? '-' : `${(kib / 1024).toFixed(1)} MiB`),
  ratio: (v) => (v == null ? '-' : `${v.toFixed(2)}x`),
  pct: (v) => (v == null ? '-' : `${v.toFixed(1)}%`),
}

/** Render rows (arrays of strings) as an aligned table; first column left. */
export function table(header, rows) {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)))
  const line = (r) =>
    r
      .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** The text report for all cases. */
export function renderReport(report) {
  const out = []
  const m = report.meta
  out.push(
    `Vectora bench  ${m.date}  node ${m.node}  ${m.loadgen}  ${m.cores} cores`,
    `${m.durationS}s x ${m.rounds} round(s) per server and case, ${m.warmupS}s warm-up; ` + `median of rounds; spread = (max-min)/median req/s`,
  )
  for (const c of report.cases) {
    out.push('', `${c.id}  ${c.title}: ${c.describe}, ${c.connections} connections`)
    const globalNote = new Map(report.servers.map((s) => [s.name, s.note]))
    const rows = c.results.map((e) =>
      e.status === 'ok'
        ? [
            e.server,
            fmt.rps(e.median.rps),
            fmt.pct(e.spreadPct),
            fmt.ms(e.median.p50Ms),
            fmt.ms(e.median.p99Ms),
            fmt.mib(e.peakRssKiB),
            fmt.ratio(e.vsFastify),
            fmt.ratio(e.vsRawHyper),
            String(e.errors),
          ]
        : [e.server, e.status === 'unsupported' ? 'n/a' : 'skipped', '-', '-', '-', '-', '-', '-', '-'],
    )
    const header = ['server', 'req/s', 'spread', 'p50', 'p99', 'peak RSS', 'vs fastify', 'vs hyper', 'errors']
    out.push(table(header, rows))
    // Case-specific reasons (wrong answer, crash); run-wide ones come last.
    for (const e of c.results) {
      if (e.status !== 'ok' && e.note !== globalNote.get(e.server)) out.push(`  ${e.server}: ${e.note}`)
    }
  }
  const skippedServers = report.servers.filter((s) => s.status !== 'ok')
  if (skippedServers.length) {
    out.push('', 'Skipped servers:')
    for (const s of skippedServers) out.push(`  ${s.name}: ${s.note}`)
  }
  return out.join('\n')
}
