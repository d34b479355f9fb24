// Memory and descriptor probes for the long-running benches (bench/memory-rounds.mjs, bench/soak.mjs).
//
// A probed server is a bench server (bench/servers/**) started as
//   node --expose-gc --import lib/memprobe.mjs <server>.mjs
// with an IPC channel, so the parent can ask for process.memoryUsage() and V8's heap statistics and
// force a full GC without any bench-only route in the app. From outside it reads /proc/<pid>/status
// (VmRSS, RssAnon, RssFile), /proc/<pid>/smaps (which mappings the resident memory sits in) and
// /proc/<pid>/fd. Optionally lib/malloc-probe.c is preloaded (LD_PRELOAD) to read glibc's mallinfo2()
// and to call malloc_trim(0), and libjemalloc can be preloaded to swap the allocator.
//
// The built kernel (kernel/dist and kernel/index.node) and bench/servers are copied aside first and the servers
// run from the copy (snapshotKernel), so a rebuild by someone else during a long run neither
// changes nor breaks the server under test, and every server of one run runs the same build.

import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { BENCH_DIR, freePort, REPO_DIR } from './servers.mjs'

const LIB_DIR = path.dirname(fileURLToPath(import.meta.url))
const KiB = 1024
const MiB = 1024 * 1024
/** glibc reserves each non-main arena heap as one 64 MiB-aligned, 64 MiB mapping (HEAP_MAX_SIZE on 64-bit). */
const ARENA_HEAP = 64 * MiB

/** A scratch directory removed at exit. */
export function scratchDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * A snapshot of the built kernel package (kernel/dist, load.cjs, package.json, index.node) and of bench/servers,
 * laid out as in the repo under bench/node_modules/.vectora-snapshot-<pid>/ (removed at exit): a server run from
 * there imports `../../kernel/dist/index.js` from the snapshot, and its other imports (arktype) still resolve
 * through the repo's node_modules. Returns { dir, sha256 } (sha256 of index.node), or null without a local build.
 */
export function snapshotKernel() {
  const src = path.join(REPO_DIR, 'kernel')
  if (!existsSync(path.join(src, 'index.node')) || !existsSync(path.join(src, 'dist', 'index.js'))) return null
  const dst = path.join(BENCH_DIR, 'node_modules', `.vectora-snapshot-${process.pid}`)
  process.on('exit', () => rmSync(dst, { recursive: true, force: true }))
  mkdirSync(path.join(dst, 'kernel'), { recursive: true })
  cpSync(path.join(src, 'dist'), path.join(dst, 'kernel', 'dist'), { recursive: true })
  for (const f of ['load.cjs', 'package.json', 'index.node']) copyFileSync(path.join(src, f), path.join(dst, 'kernel', f))
  cpSync(path.join(BENCH_DIR, 'servers'), path.join(dst, 'bench', 'servers'), { recursive: true })
  const sha256 = createHash('sha256')
    .update(readFileSync(path.join(dst, 'kernel', 'index.node')))
    .digest('hex')
  return { dir: dst, sha256 }
}

/** Compiles lib/malloc-probe.c into `dir`; returns the .so path, or { error }. */
export function buildMallocProbe(dir) {
  const so = path.join(dir, 'malloc-probe.so')
  const r = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', so, path.join(LIB_DIR, 'malloc-probe.c'), '-lpthread'], { encoding: 'utf8' })
  if (r.error) return { error: `cc not runnable: ${r.error.message}` }
  if (r.status !== 0) return { error: `cc failed: ${(r.stderr || '').trim().slice(0, 300)}` }
  return { so }
}

/** libjemalloc's path when it is installed (Debian: libjemalloc2), else null. */
export function findJemalloc() {
  for (const p of ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2', '/usr/lib/libjemalloc.so.2']) {
    if (existsSync(p)) return p
  }
  return null
}

/**
 * Starts a probed server and waits for its READY line.
 * @param {object} o
 * @param {string} o.program     server file, relative to bench/ (e.g. 'servers/soak/vectora.mjs')
 * @param {object} [o.env]       extra environment (MALLOC_ARENA_MAX, BENCH_MAX_PENDING, ...)
 * @param {{dir: string}} [o.kernel] a snapshot (snapshotKernel): run the server's copy there, with the kernel copied with it
 * @param {string} [o.mallocProbe] malloc-probe.so to preload
 * @param {string} [o.jemalloc]  libjemalloc.so to preload (then mallinfo2 means nothing and is not read)
 * @param {string} [o.dir]       scratch directory for the probe's FIFOs
 */
export async function startProbed({ program, env = {}, kernel, mallocProbe, jemalloc, dir, timeoutMs = 20_000 }) {
  const port = await freePort()
  const childEnv = { ...process.env, ...env, PORT: String(port), NODE_ENV: 'production' }
  const preload = []
  if (jemalloc) preload.push(jemalloc)
  let fifoDir = null
  if (mallocProbe && !jemalloc) {
    fifoDir = mkdtempSync(path.join(dir ?? os.tmpdir(), 'malloc-'))
    const mk = spawnSync('mkfifo', [path.join(fifoDir, 'cmd'), path.join(fifoDir, 'out')])
    if (mk.status === 0) {
      preload.push(mallocProbe)
      childEnv.MALLOC_PROBE_DIR = fifoDir
    } else fifoDir = null
  }
  if (preload.length) childEnv.LD_PRELOAD = [...preload, process.env.LD_PRELOAD].filter(Boolean).join(':')

  const args = [
    '--expose-gc',
    '--import',
    pathToFileURL(path.join(LIB_DIR, 'memprobe.mjs')).href,
    path.join(kernel ? path.join(kernel.dir, 'bench') : BENCH_DIR, program),
  ]
  const child = spawn(process.execPath, args, { cwd: BENCH_DIR, env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-4000)))
  const handle = {
    program,
    child,
    pid: child.pid,
    port: 0,
    exited: null,
    stderrTail: () => stderr.trim().split('\n').slice(-3).join(' | '),
    hasMallinfo: fifoDir !== null,
  }
  handle.exitedP = new Promise((resolve) => child.on('exit', (code, signal) => resolve((handle.exited = { code, signal }))))

  let nextProbe = 1
  const waiting = new Map()
  child.on('message', (msg) => {
    const w = waiting.get(msg?.probe)
    if (!w) return
    waiting.delete(msg.probe)
    clearTimeout(w.timer)
    if (msg.error) w.reject(new Error(msg.error))
    else w.resolve(msg)
  })
  /** process.memoryUsage() and V8's heap statistics of the server, after a full GC when `gc`. */
  handle.jsMemory = ({ gc = false, timeoutMs: t = 30_000 } = {}) =>
    new Promise((resolve, reject) => {
      if (handle.exited) return reject(new Error('server exited'))
      const id = nextProbe++
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`no memory answer within ${t} ms`))
      }, t)
      waiting.set(id, { resolve, reject, timer })
      child.send({ probe: id, gc })
    })
  /** glibc's mallinfo2() totals (bytes), after malloc_trim(0) when `trim`; null without the probe. */
  handle.mallinfo = async ({ trim = false, timeoutMs: t = 10_000 } = {}) => {
    if (!fifoDir || handle.exited) return null
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('malloc-probe did not answer')), t)
    })
    try {
      await Promise.race([writeFile(path.join(fifoDir, 'cmd'), trim ? 't' : 's'), timeout])
      const text = await Promise.race([readFile(path.join(fifoDir, 'out'), 'utf8'), timeout])
      return JSON.parse(text)
    } finally {
      clearTimeout(timer)
    }
  }
  handle.stop = async (graceMs = 3000) => {
    if (handle.exited) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await handle.exitedP
    clearTimeout(timer)
  }

  await new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => {
      handle.stop()
      reject(new Error(`no READY line within ${timeoutMs / 1000}s`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.stdout.setEncoding('utf8').on('data', (d) => {
      if (handle.port) return
      buf += d
      const m = /^READY (\d+)\s*$/m.exec(buf)
      if (m) {
        clearTimeout(timer)
        handle.port = Number(m[1])
        resolve()
      }
    })
    handle.exitedP.then(() => {
      clearTimeout(timer)
      reject(new Error(`exited (${handle.exited.signal ?? `code ${handle.exited.code}`}) before READY: ${handle.stderrTail()}`))
    })
  })
  if (kernel) {
    // The server must run the snapshot's binary, not the live kernel/index.node.
    const maps = readFileSync(`/proc/${handle.pid}/maps`, 'utf8')
    if (!maps.includes(path.join(kernel.dir, 'kernel', 'index.node'))) {
      await handle.stop()
      throw new Error(`the server did not load the kernel snapshot ${kernel.dir}`)
    }
  }
  live.add(handle)
  handle.exitedP.then(() => live.delete(handle))
  return handle
}

/** Every probed server still running, for stopAll. */
const live = new Set()

/** Stops every probed server (on Ctrl-C and fatal errors). */
export function stopAll(graceMs = 500) {
  return Promise.all([...live].map((h) => h.stop(graceMs)))
}

/** VmRSS, VmHWM, RssAnon, RssFile, RssShmem (bytes) and Threads of a live process, from /proc/<pid>/status. */
export function procStatus(pid) {
  let text
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return null
  }
  const kb = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text)
    return m ? Number(m[1]) * KiB : null
  }
  const threads = /^Threads:\s+(\d+)/m.exec(text)
  return {
    rss: kb('VmRSS'),
    hwm: kb('VmHWM'),
    rssAnon: kb('RssAnon'),
    rssFile: kb('RssFile'),
    rssShmem: kb('RssShmem'),
    threads: threads ? Number(threads[1]) : null,
  }
}

/**
 * Where the resident memory sits, from /proc/<pid>/smaps (bytes of Rss):
 *   brkHeap   `[heap]`: glibc's main arena (allocations made on Node's main thread, and any thread before it got an arena)
 *   arenas    anonymous 64 MiB-aligned heaps of glibc's other arenas (tokio workers, libuv and V8 threads), and how many
 *   otherAnon the rest of the anonymous memory: V8's heap pages, thread stacks, large (mmapped) mallocs
 *   file      file-backed pages (node, libraries, the kernel binary)
 * The arena test is a heuristic (a rw-p anonymous mapping that starts on a 64 MiB boundary, alone or followed by its
 * ---p reserve, 64 MiB together); jemalloc's and V8's own mappings are not expected to match it.
 */
export function smapsClasses(pid) {
  let text
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8')
  } catch {
    return null
  }
  const maps = []
  let cur = null
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line)
    if (head) {
      cur = { start: Number.parseInt(head[1], 16), end: Number.parseInt(head[2], 16), perms: head[3], inode: Number(head[4]), name: head[5], rss: 0 }
      maps.push(cur)
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss && cur) cur.rss = Number(rss[1]) * KiB
  }
  const out = { brkHeap: 0, arenas: 0, arenaCount: 0, otherAnon: 0, file: 0 }
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i]
    if (m.name === '[heap]') out.brkHeap += m.rss
    else if (m.inode !== 0 || (m.name !== '' && !m.name.startsWith('['))) out.file += m.rss
    else if (m.name === '' && m.perms === 'rw-p' && m.start % ARENA_HEAP === 0 && isArenaHeap(m, maps[i + 1])) {
      out.arenas += m.rss
      out.arenaCount++
    } else out.otherAnon += m.rss
  }
  return out
}

function isArenaHeap(m, next) {
  if (m.end - m.start === ARENA_HEAP) return true
  return next !== undefined && next.start === m.end && next.perms === '---p' && next.name === '' && next.end - m.start === ARENA_HEAP
}

/** Open file descriptors of a live process (/proc/<pid>/fd), or null. */
export function fdCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return null
  }
}

/** Samples VmRSS every `everyMs` until stop(); stop() returns { max, min, last, series: [[ms, bytes]] }. */
export function rssSampler(pid, everyMs = 250) {
  const t0 = Date.now()
  const series = []
  const tick = () => {
    const s = procStatus(pid)
    if (s) series.push([Date.now() - t0, s.rss])
  }
  tick()
  const timer = setInterval(tick, everyMs)
  return {
    stop() {
      clearInterval(timer)
      tick()
      const values = series.map(([, v]) => v)
      return { max: Math.max(...values), min: Math.min(...values), last: values.at(-1), series }
    },
  }
}

/** CPU ticks: the whole machine's busy and total, and utime+stime of `pid` (with its reaped children's when `children`). */
function cpuTicks(pids) {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const idle = cpu[3] + (cpu[4] ?? 0)
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0)
  const procs = pids.map((pid) => {
    try {
      // Fields after the parenthesised command name: utime is the 14th field of the line, stime 15th, cutime 16th, cstime 17th.
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ')
      return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    } catch {
      return null
    }
  })
  return { busy: total - idle, total, procs }
}

/**
 * How busy the shared machine was between start() and stop(), in cores (100 % of one core = 1.0):
 * `machine` all CPUs, `mine` this process with its reaped children (the load generator) plus the
 * watched pids (the server), `others` the rest: other engineers' builds and tests.
 */
export function cpuMeter(pids) {
  const all = [process.pid, ...pids]
  const a = cpuTicks(all)
  return {
    stop() {
      const b = cpuTicks(all)
      const cores = os.cpus().length
      const span = (b.total - a.total) / cores
      if (span <= 0) return { machine: 0, mine: 0, others: 0 }
      const machine = (b.busy - a.busy) / span
      let mineTicks = 0
      for (let i = 0; i < all.length; i++) if (a.procs[i] != null && b.procs[i] != null) mineTicks += b.procs[i] - a.procs[i]
      const mine = mineTicks / span
      const round = (v) => Number(v.toFixed(2))
      return { machine: round(machine), mine: round(mine), others: round(Math.max(0, machine - mine)) }
    },
  }
}

export const mib = (bytes) => (bytes == null ? '-' : (bytes / MiB).toFixed(1))
