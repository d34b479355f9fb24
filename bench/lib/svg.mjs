// Hand-written SVG bar chart of a bench report (no dependencies).
//
// One panel per case (scenario @ connections), one horizontal bar per
// server, each panel scaled to its own fastest server so scenarios with very
// different throughput stay readable. Bars are median req/s.

import { fmt } from './report.mjs'

const COLORS = {
  vectora: '#6d28d9',
  'node-http': '#64748b',
  fastify: '#0f766e',
  express: '#b45309',
  hono: '#ea580c',
  'raw-hyper': '#b91c1c',
}
const FALLBACK = '#334155'

const W = 880
const PAD = 20
const LABEL_W = 90
const VALUE_W = 300
const BAR_H = 18
const BAR_GAP = 6
const PANEL_TITLE_H = 26
const PANEL_GAP = 16
const HEADER_H = 62

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

export function renderSvg(report) {
  const servers = report.servers.map((s) => s.name)
  const barAreaW = W - 2 * PAD - LABEL_W - VALUE_W
  const panelH = PANEL_TITLE_H + servers.length * (BAR_H + BAR_GAP)
  const H = HEADER_H + report.cases.length * (panelH + PANEL_GAP) + PAD
  const m = report.meta

  const parts = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD}" y="28" font-size="17" font-weight="600" fill="#0f172a">Vectora bench: requests per second (median, higher is better)</text>`,
    `<text x="${PAD}" y="48" fill="#475569">${esc(
      `${m.date.slice(0, 10)} | node ${m.node} | ${m.loadgen} | ${m.durationS}s x ${m.rounds} rounds | ${m.cores} cores shared by server and load generator`,
    )}</text>`,
  )

  let y = HEADER_H
  for (const c of report.cases) {
    parts.push(
      `<text x="${PAD}" y="${y + 17}" font-size="13" font-weight="600" fill="#0f172a">${esc(
        `${c.title}, ${c.connections} connections`,
      )}<tspan dx="8" font-weight="400" fill="#64748b">${esc(c.describe)}</tspan></text>`,
    )
    const max = Math.max(1, ...c.results.filter((e) => e.status === 'ok').map((e) => e.median.rps))
    let by = y + PANEL_TITLE_H
    for (const name of servers) {
      const e = c.results.find((r) => r.server === name)
      const ty = by + BAR_H / 2 + 4
      parts.push(`<text x="${PAD + LABEL_W - 8}" y="${ty}" text-anchor="end" fill="#0f172a">${esc(name)}</text>`)
      if (e && e.status === 'ok') {
        const w = Math.max(1, (e.median.rps / max) * barAreaW)
        const x = PAD + LABEL_W
        parts.push(
          `<rect x="${x}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" rx="2" fill="${COLORS[name] ?? FALLBACK}"/>`,
          `<text x="${(x + w + 6).toFixed(1)}" y="${ty}" fill="#0f172a">${esc(
            `${fmt.rps(e.median.rps)} req/s`,
          )}<tspan dx="8" fill="#64748b">${esc(`p99 ${fmt.ms(e.median.p99Ms)} · peak RSS ${fmt.mib(e.peakRssKiB)}`)}</tspan></text>`,
        )
      } else {
        parts.push(
          `<text x="${PAD + LABEL_W}" y="${ty}" fill="#94a3b8" font-style="italic">${esc(
            (e ? (e.status === 'unsupported' ? e.note : `skipped: ${e.note.split('\n')[0]}`) : 'not run').slice(0, 110),
          )}</text>`,
        )
      }
      by += BAR_H + BAR_GAP
    }
    y += panelH + PANEL_GAP
  }
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
