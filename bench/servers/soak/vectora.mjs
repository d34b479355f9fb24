// Soak and memory bench server (bench/soak.mjs, bench/memory-rounds.mjs): Vectora with the routes a
// long mixed load needs. Not part of `npm run bench`.
//   GET  /      {"hello":"world"} (sync fast path)
//   POST /echo  the JSON body back; bodies past bodyLimit (default 1 MiB) get the kernel's 413
//   GET  /slow  {"slow":true} after 200 ms; honours req.signal, so an aborted client frees its timer
// Limits come from the environment (unset = the app's defaults): BENCH_MAX_PENDING, BENCH_MAX_CONNECTIONS,
// BENCH_BODY_LIMIT, BENCH_REQUEST_TIMEOUT. The memory numbers are read from outside (/proc) and over
// IPC by bench/lib/memprobe.mjs, so the app itself has no bench-only route.
import { createApp } from '../../../kernel/dist/index.js'

const fromEnv = (name) => (process.env[name] === undefined || process.env[name] === '' ? undefined : Number(process.env[name]))
const options = {
  maxPending: fromEnv('BENCH_MAX_PENDING'),
  maxConnections: fromEnv('BENCH_MAX_CONNECTIONS'),
  bodyLimit: fromEnv('BENCH_BODY_LIMIT'),
  requestTimeout: fromEnv('BENCH_REQUEST_TIMEOUT'),
}
for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key]

const app = createApp(options)

app.get('/', () => ({ hello: 'world' }))
app.post('/echo', async (req) => req.json())
app.get(
  '/slow',
  (req) =>
    new Promise((resolve, reject) => {
      const signal = req.signal
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve({ slow: true })
      }, 200)
      function onAbort() {
        clearTimeout(timer)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
    }),
)

const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${port}`)
