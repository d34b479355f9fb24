// Pipeline bench server: express 5. Express has no hooks and no point
// between the handler and the write, so: an app-wide no-op middleware
// (onRequest), one that sets the header before the handler runs (the reply
// carries it, as with an onSend hook), `express.json()` on the route and a
// hand-written check of the body (express ships no schema validation; `name`
// a string, `qty` an integer, as the others' contracts). Same request, answer
// and header as every bench/servers/pipeline/*.mjs.
import express from 'express'

const app = express()
app.disable('x-powered-by')
app.disable('etag')

app.use((req, res, next) => {
  next()
})
app.use((req, res, next) => {
  res.setHeader('x-bench', 'pipeline')
  next()
})

function validOrder(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.name === 'string' && Number.isInteger(value.qty)
}

app.post('/pipeline', express.json(), (req, res) => {
  if (!validOrder(req.body)) return res.status(400).json({ error: 'Bad Request' })
  res.json({ ok: true, name: req.body.name, qty: req.body.qty })
})

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`)
})
