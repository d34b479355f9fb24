// Bench server: express 5, with only express.json() mounted on /echo
// (the body has to be parsed somehow); no logging, no other middleware.
import express from 'express'

const app = express()
app.disable('x-powered-by')
app.disable('etag')

app.get('/', (req, res) => {
  res.json({ hello: 'world' })
})
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id })
})
app.post('/echo', express.json(), (req, res) => {
  res.json(req.body)
})
// GET /nope falls through to express's default 404 handler.

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`)
})
