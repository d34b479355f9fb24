// Bench server: plain node:http, no framework. The baseline every Node
// framework pays on top of. Same four routes as the other bench servers.
import http from 'node:http'

const JSON_TYPE = 'application/json; charset=utf-8'

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

const server = http.createServer((req, res) => {
  const url = req.url
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)

  if (req.method === 'GET' && path === '/') {
    return send(res, 200, JSON.stringify({ hello: 'world' }))
  }
  if (req.method === 'GET' && path.startsWith('/users/')) {
    const id = path.slice('/users/'.length)
    if (id !== '' && !id.includes('/')) {
      let decoded
      try {
        decoded = decodeURIComponent(id)
      } catch {
        return send(res, 400, JSON.stringify({ error: 'Bad Request' }))
      }
      return send(res, 200, JSON.stringify({ id: decoded }))
    }
  }
  if (req.method === 'POST' && path === '/echo') {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      let parsed
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return send(res, 400, JSON.stringify({ error: 'Bad Request' }))
      }
      send(res, 200, JSON.stringify(parsed))
    })
    return
  }
  send(res, 404, JSON.stringify({ error: 'Not Found' }))
})

server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`)
})
