// Loaded into a bench server with `node --expose-gc --import bench/lib/memprobe.mjs <server>.mjs` by
// bench/lib/probe.mjs, when the server is started with an IPC channel. It leaves the server's app
// alone (no route, no hook): the parent asks over IPC and it answers with the process's memory as
// V8 and Node see it, after a full GC on request.
//
//   parent -> { probe: id, gc: boolean }
//   server -> { probe: id, memory: process.memoryUsage(), heap: v8.getHeapStatistics(), spaces, gcMs }
//
// The answer runs on the JavaScript thread, so under load it waits for the event loop like any request.
import v8 from 'node:v8'

if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg === null || typeof msg !== 'object' || msg.probe === undefined) return
    let gcMs = null
    if (msg.gc) {
      if (typeof globalThis.gc !== 'function') {
        process.send({ probe: msg.probe, error: 'global.gc is missing: start node with --expose-gc' })
        return
      }
      const t0 = performance.now()
      // Twice: the first full GC runs finalizers (weak callbacks, FinalizationRegistry) that free more on the second.
      globalThis.gc()
      globalThis.gc()
      gcMs = performance.now() - t0
    }
    const spaces = {}
    for (const s of v8.getHeapSpaceStatistics()) {
      spaces[s.space_name] = { used: s.space_used_size, size: s.space_size, physical: s.physical_space_size }
    }
    process.send({ probe: msg.probe, memory: process.memoryUsage(), heap: v8.getHeapStatistics(), spaces, gcMs })
  })
  // The IPC channel must not keep a server alive that would otherwise exit.
  process.channel?.unref()
}
