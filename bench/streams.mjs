#!/usr/bin/env node
/**
 * bench/streams.mjs — the streaming scenarios of the HTTP issue, Vectora and Fastify side by side on this machine:
 *
 *   file: GET of a 1 MiB file (Vectora `reply.file`, read and sent by the kernel; Fastify + @fastify/static), wrk
 *         with 10 and 100 connections; requests/s and MiB/s.
 *   sse:  Server-Sent Events fan-out: C subscribers, then one broadcast of N events to all of them; events delivered
 *         per second until every subscriber has all N (Vectora `reply.sse` on an async generator, and `SseChannel`
 *         pushed to; Fastify raw writes), with the CPU per event of the server (and its JS thread) and of the client.
 *
 * Rounds alternate the servers. Usage: node bench/streams.mjs [--rounds 3] [--duration 5] [--clients 100,1000] [--events 200]
 * [--only file,sse]; BENCH_NODE_ARGS adds node flags to the servers (a CPU profile: `--cpu-prof --cpu-prof-dir=DIR`).
 */
import { spawn, execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { parseArgs, promisify } from 'node:util'

const run = promisify(execFile)
const here = path.dirname(new URL(import.meta.url).pathname)
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    clients: { type: 'string', default: '100,1000' },
    events: { type: 'string', default: '200' },
    only: { type: 'string', default: 'file,sse' },
  },
})
const rounds = Number(values.rounds)
const only = values.only.split(',')

function start(program, env = {}) {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS: flags for the servers' node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` for a profile).
    const flags = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
    const child = spawn(process.execPath, [...flags, program], { env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /READY (\d+)/.exec(out)
      if (m) resolve({ child, port: Number(m[1]) })
    })
    child.once('exit', (code) => reject(new Error(`${program} exited ${code}`)))
  })
}
const stop = (s) => new Promise((resolve) => (s.child.once('exit', resolve), s.child.kill('SIGTERM')))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function wrk(port, connections, seconds) {
  const { stdout } = await run('wrk', ['-t', '2', '-c', String(connections), '-d', `${seconds}s`, `http://127.0.0.1:${port}/file`], { maxBuffer: 1 << 20 })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)[1])
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} errors`)
  return rps
}

async function fileBench() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vectora-bench-'))
  const file = path.join(dir, 'one-mib.bin')
  fs.writeFileSync(file, randomBytes(1024 * 1024))
  const servers = { vectora: 'servers/files/vectora.mjs', fastify: 'servers/files/fastify.mjs' }
  for (const connections of [10, 100]) {
    const results = { vectora: [], fastify: [] }
    for (let r = 0; r < rounds; r++) {
      for (const [name, program] of Object.entries(servers)) {
        const s = await start(path.join(here, program), { FILE: file })
        await wrk(s.port, connections, 1) // warm-up
        results[name].push(await wrk(s.port, connections, Number(values.duration)))
        await stop(s)
      }
    }
    const v = median(results.vectora)
    const f = median(results.fastify)
    console.log(
      `file 1 MiB @${connections}: vectora ${v.toFixed(0)} req/s (${v.toFixed(0)} MiB/s), fastify ${f.toFixed(0)} req/s — ${(v / f).toFixed(2)}x  [rounds: vectora ${results.vectora.map((x) => x.toFixed(0)).join(' ')}; fastify ${results.fastify.map((x) => x.toFixed(0)).join(' ')}]`,
    )
  }
  fs.rmSync(dir, { recursive: true, force: true })
}

/** CPU seconds (user + system) a process (or one of its threads: `/proc/PID/task/TID`) has used, from /proc (10 ms ticks). */
function cpuSeconds(pid, tid) {
  const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`
  const fields = fs.readFileSync(file, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Events per second of one fan-out, and the CPU the server and this client process used per event (µs). */
async function fanout(port, clients, events, pid) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 10 })
  const counts = new Array(clients).fill(0)
  const reqs = []
  let allDone
  const done = new Promise((resolve) => (allDone = resolve))
  let finished = 0
  for (let i = 0; i < clients; i++) {
    const req = http.get({ port, host: '127.0.0.1', path: '/events', agent })
    req.on('error', () => {})
    req.on('response', (res) => {
      let tail = ''
      res.setEncoding('utf8')
      res.on('data', (text) => {
        tail += text
        let at
        while ((at = tail.indexOf('\n\n')) !== -1) {
          const block = tail.slice(0, at)
          tail = tail.slice(at + 2)
          if (block.startsWith('id:') && ++counts[i] === events && ++finished === clients) allDone()
        }
      })
    })
    reqs.push(req)
  }
  for (;;) {
    const r = await fetch(`http://127.0.0.1:${port}/count`).then((x) => x.json())
    if (r.subscribers === clients) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const started = performance.now()
  const serverCpu = pid === undefined ? 0 : cpuSeconds(pid)
  // The main thread is the JavaScript thread (its thread id is the process id); the rest is the kernel's or libuv's.
  const jsCpu = pid === undefined ? 0 : cpuSeconds(pid, pid)
  const clientCpu = process.cpuUsage()
  await fetch(`http://127.0.0.1:${port}/broadcast?n=${events}`, { method: 'POST' })
  await done
  const seconds = (performance.now() - started) / 1000
  const total = clients * events
  const serverUs = pid === undefined ? 0 : ((cpuSeconds(pid) - serverCpu) * 1e6) / total
  const jsUs = pid === undefined ? 0 : ((cpuSeconds(pid, pid) - jsCpu) * 1e6) / total
  const used = process.cpuUsage(clientCpu)
  const clientUs = (used.user + used.system) / total
  for (const req of reqs) req.destroy()
  agent.destroy()
  return { rate: total / seconds, serverUs, jsUs, clientUs }
}

async function sseBench() {
  // vectora: reply.sse on an async generator per client; vectora-channel: SseChannel, pushed to; fastify: raw writes.
  const servers = { vectora: 'servers/sse/vectora.mjs', 'vectora-channel': 'servers/sse/vectora-channel.mjs', fastify: 'servers/sse/fastify.mjs' }
  const events = Number(values.events)
  for (const clients of values.clients.split(',').map(Number)) {
    const results = Object.fromEntries(Object.keys(servers).map((name) => [name, []]))
    for (let r = 0; r < rounds; r++) {
      for (const [name, program] of Object.entries(servers)) {
        const s = await start(path.join(here, program))
        await fanout(s.port, Math.min(clients, 10), 20) // warm-up
        results[name].push(await fanout(s.port, clients, events, s.child.pid))
        await stop(s)
      }
    }
    const rate = (name) => median(results[name].map((x) => x.rate))
    const f = rate('fastify')
    const cpu = (name, key) => median(results[name].map((x) => x[key])).toFixed(2)
    console.log(`sse fan-out ${clients} clients x ${events} events (events/s, median of ${rounds}; rounds in brackets):`)
    for (const name of Object.keys(servers)) {
      const ratio = name === 'fastify' ? '' : ` — ${(rate(name) / f).toFixed(2)}x fastify`
      console.log(
        `  ${name.padEnd(16)} ${rate(name).toFixed(0).padStart(7)}${ratio}  [${results[name].map((x) => x.rate.toFixed(0)).join(' ')}]` +
          `  cpu/event µs: server ${cpu(name, 'serverUs')} (JS thread ${cpu(name, 'jsUs')}), client ${cpu(name, 'clientUs')}`,
      )
    }
  }
}

console.log(`# bench/streams.mjs — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`)
if (only.includes('file')) await fileBench()
if (only.includes('sse')) await sseBench()
