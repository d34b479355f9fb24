// Sends exactly N keep-alive GETs over C connections to 127.0.0.1:PORT, then exits: a fixed amount of work
// for an instruction count (bench/profile/ir-per-request.sh), which a timed load generator cannot give.
//   node bench/profile/client.mjs PORT PATH N [C=10]
import http from 'node:http'

const [port, path, n, c] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4]), Number(process.argv[5] ?? 10)]
const agent = new http.Agent({ keepAlive: true, maxSockets: c })
let sent = 0
let done = 0
await new Promise((resolve, reject) => {
  const one = () => {
    if (sent >= n) return
    sent++
    http
      .get({ port, host: '127.0.0.1', path, agent }, (res) => {
        res.resume()
        res.on('end', () => (++done === n ? resolve() : one()))
      })
      .on('error', reject)
  }
  for (let i = 0; i < c; i++) one()
})
agent.destroy()
