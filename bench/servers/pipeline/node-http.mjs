// Pipeline bench server: plain node:http. What the other apps do in hooks
// and a contract is written out by hand, minimally: an onRequest step (a
// no-op function call), reading and parsing the JSON body, checking it
// (`name` a string, `qty` an integer, as the others' contracts), and setting
// the header before sending. Same request, answer and header as every
// bench/servers/pipeline/*.mjs.
import http from 'node:http'

const JSON_TYPE = 'application/json; charset=utf-8'

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
    // The "onSend" step: every reply carries the header.
    'x-bench': 'pipeline',
  })
  res.end(body)
}

function onRequest(_req) {
  return undefined
}

/** `{ name: string, qty: integer }`; extra keys are allowed, as in the others. */
function validOrder(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.name === 'string' && Number.isInteger(value.qty)
}

const server = http.createServer((req, res) => {
  const early = onRequest(req)
  if (early !== undefined) return send(res, 200, JSON.stringify(early))

  const url = req.url
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (req.method !== 'POST' || path !== '/pipeline') {
    return send(res, 404, JSON.stringify({ error: 'Not Found' }))
  }
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, JSON.stringify({ error: 'Bad Request' }))
    }
    if (!validOrder(body)) return send(res, 400, JSON.stringify({ error: 'Bad Request' }))
    send(res, 200, JSON.stringify({ ok: true, name: body.name, qty: body.qty }))
  })
})

server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`)
})
