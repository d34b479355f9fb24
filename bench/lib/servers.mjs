// The servers under test, and how to prepare, start, watch and stop them.
//
// Each server runs in its own process, reads PORT from the environment and
// prints `READY <port>` on stdout once it is listening.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_DIR = path.resolve(BENCH_DIR, '..')

const node = (file) => ({ cmd: process.execPath, args: [path.join(BENCH_DIR, 'servers', file)] })
const withEnv = (program, env) => ({ ...program, env })

/**
 * Report order; `fastify` and `raw-hyper` are the ratio baselines.
 *
 * `apps` maps a scenario's `app` (see lib/scenarios.mjs) to the program that
 * serves it; `unsupported` says why a server has none, and it is reported as
 * `n/a` for those scenarios. See `programFor`. The `stack` app exists for
 * vectora, fastify and hono only: the others are n/a there.
 */
export const SERVERS = [
  {
    name: 'vectora',
    ...node('vectora.mjs'),
    apps: { pipeline: node('pipeline/vectora.mjs'), stack: node('stack/vectora.mjs') },
    preflight() {
      const dist = path.join(REPO_DIR, 'kernel', 'dist', 'index.js')
      if (!existsSync(dist)) {
        return 'kernel/dist/index.js is missing: run `npm install` (or `npm run build`) at the repo root first'
      }
      return null
    },
  },
  // The same programs on two JavaScript threads (createApp({ workers: 2 }), docs/workers.md).
  {
    name: 'vectora-w2',
    ...withEnv(node('vectora.mjs'), { VECTORA_WORKERS: '2' }),
    apps: {
      pipeline: withEnv(node('pipeline/vectora.mjs'), { VECTORA_WORKERS: '2' }),
      stack: withEnv(node('stack/vectora.mjs'), { VECTORA_WORKERS: '2' }),
    },
    preflight: () => null,
  },
  // The hook-free routes with one no-op app-wide onRequest hook: side by side with `vectora`, the cost of a hook.
  // (Its 404 goes through JS too: an app-wide hook sees unmatched requests.)
  {
    name: 'vectora-hook',
    ...withEnv(node('vectora.mjs'), { VECTORA_NOOP_HOOK: '1' }),
    preflight: () => null,
  },
  // The stack apps with logging and metrics (BENCH_OBSERVED=1): @vectora/logger + @vectora/otel's metrics
  // against pino + prom-client hooks, both writing one access line per request to BENCH_LOG_FILE (/dev/null).
  // Only the `stack` scenarios are served (`--scenarios stack`).
  {
    name: 'vectora-obs',
    ...withEnv(node('stack/vectora.mjs'), { BENCH_OBSERVED: '1' }),
    apps: { stack: withEnv(node('stack/vectora.mjs'), { BENCH_OBSERVED: '1' }) },
    preflight: () => null,
  },
  {
    name: 'fastify-obs',
    ...withEnv(node('stack/fastify.mjs'), { BENCH_OBSERVED: '1' }),
    apps: { stack: withEnv(node('stack/fastify.mjs'), { BENCH_OBSERVED: '1' }) },
    preflight: () => null,
  },
  { name: 'node-http', ...node('node-http.mjs'), apps: { pipeline: node('pipeline/node-http.mjs') } },
  { name: 'fastify', ...node('fastify.mjs'), apps: { pipeline: node('pipeline/fastify.mjs'), stack: node('stack/fastify.mjs') } },
  { name: 'express', ...node('express.mjs'), apps: { pipeline: node('pipeline/express.mjs') } },
  { name: 'hono', ...node('hono.mjs'), apps: { pipeline: node('pipeline/hono.mjs'), stack: node('stack/hono.mjs') } },
  {
    name: 'raw-hyper',
    cmd: path.join(REPO_DIR, 'target', 'release', 'raw-hyper'),
    args: [],
    prepare: buildRawHyper,
    unsupported: {
      pipeline: 'unsupported: raw-hyper has no hooks and no JSON library, so it cannot express the pipeline scenario',
    },
  },
]

/**
 * The program `def` runs for `scenario`: `{ cmd, args }`, or `{ unsupported }`
 * (a note) when the server has no program for the scenario's app.
 */
export function programFor(def, scenario) {
  if (!scenario.app) return { cmd: def.cmd, args: def.args, env: def.env }
  const app = def.apps?.[scenario.app]
  if (app) return app
  return { unsupported: def.unsupported?.[scenario.app] ?? `unsupported: no ${scenario.app} app for ${def.name}` }
}

/** `cargo build --release -p raw-hyper`; returns null or a failure note. */
function buildRawHyper({ log }) {
  log('building raw-hyper (cargo build --release -p raw-hyper) ...')
  const r = spawnSync('cargo', ['build', '--release', '-p', 'raw-hyper', '--quiet'], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (r.error) return `cargo not runnable: ${r.error.message}`
  if (r.status !== 0) return `cargo build failed (exit ${r.status})`
  return null
}

/** npm install bench's own dependencies when they are missing. */
export function ensureBenchDeps({ log }) {
  const pkg = JSON.parse(readFileSync(path.join(BENCH_DIR, 'package.json'), 'utf8'))
  const missing = Object.keys(pkg.dependencies ?? {}).filter((dep) => !existsSync(path.join(BENCH_DIR, 'node_modules', dep, 'package.json')))
  if (missing.length === 0) return
  log(`installing bench dependencies (npm install --prefix bench) ...`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['install', '--prefix', BENCH_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (r.status !== 0) {
    throw new Error(`npm install --prefix bench failed (exit ${r.status ?? r.error?.message})`)
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Start one server and wait for its READY line.
 * Resolves to a handle { name, pid, port, child, exited, stderrTail() }.
 * Rejects with a readable message if it exits or times out first.
 */
export async function startServer(def, { timeoutMs = 20_000, program = def } = {}) {
  const port = await freePort()
  const child = spawn(program.cmd, program.args, {
    cwd: BENCH_DIR,
    env: { ...process.env, ...program.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })

  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000)
  })
  const handle = {
    name: def.name,
    child,
    pid: child.pid,
    port: 0,
    exited: null, // { code, signal } once the process is gone
    stderrTail: () => summarizeStderr(stderr),
  }
  const exitedP = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      handle.exited = { code, signal }
      resolve()
    })
  })
  handle.exitedP = exitedP

  await new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => {
      stopServer(handle)
      reject(new Error(`no READY line within ${timeoutMs / 1000}s`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot start ${program.cmd}: ${err.message}`))
    })
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (d) => {
      if (handle.port) return // keep draining after READY
      buf += d
      const m = /^READY (\d+)\s*$/m.exec(buf)
      if (m) {
        clearTimeout(timer)
        handle.port = Number(m[1])
        resolve()
      }
    })
    exitedP.then(() => {
      clearTimeout(timer)
      const how = handle.exited.signal ?? `code ${handle.exited.code}`
      const why = handle.stderrTail()
      reject(new Error(`exited (${how}) before READY${why ? `: ${why}` : ''}`))
    })
  })
  return handle
}

/** SIGTERM, then SIGKILL after a grace period; resolves once it is gone. */
export async function stopServer(handle, graceMs = 2000) {
  if (handle.exited) return
  handle.child.kill('SIGTERM')
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), graceMs)
  await handle.exitedP
  clearTimeout(timer)
}

/** Peak resident set size of a live process, in KiB (VmHWM), or null. */
export function peakRssKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

/**
 * The most telling line of a server's stderr: the first error message
 * (Node's `Error [CODE]: ...`, Rust's `panicked at`), else the last line.
 */
function summarizeStderr(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const hit = lines.find((l) => /^(\w*Error\b|Error \[|thread .* panicked|error:)/.test(l))
  return (hit ?? lines.at(-1) ?? '').slice(0, 300)
}
