/**
 * @module plugins/form/test/multipart — `multipart/form-data` through both transports: fields and files with
 * their exact bytes, upload folders removed after the request, `onFile` streaming, and the file-side refusals
 * (no plugin, a failing handler).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { form, readForm } from '@vectora/form'
import { HttpError, reply } from 'vectora'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { bytes, eventually, leftIn, multipartRequest, sha256, uploadParent } from './support.js'

describe('@vectora/form: multipart', () => {
  forEachTransport((t) => {
    it('reads fields and saves files with their exact bytes, names and types, in the order sent', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      app.post('/upload', async (req) => {
        const { fields, files } = await readForm(req)
        return {
          fields,
          files: files.map((file) => ({ ...file, path: undefined, sha256: sha256(readFileSync(file.path)), inParent: dirname(dirname(file.path)) === parent })),
        }
      })
      const photo = bytes(200_000)
      const res = await t.request(
        app,
        multipartRequest('/upload', [
          { name: 'title', value: 'Holiday' },
          { name: 'photo', value: photo, filename: 'beach.jpg', contentType: 'image/jpeg' },
          { name: 'tag', value: 'sea' },
          { name: 'notes', value: 'line 1\r\nline 2', filename: 'résumé.txt', contentType: 'text/plain' },
          { name: 'tag', value: 'sun' },
          { name: 'empty', value: Buffer.alloc(0), filename: 'empty.bin' },
        ]),
      )
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), {
        fields: { title: 'Holiday', tag: ['sea', 'sun'] },
        files: [
          { field: 'photo', filename: 'beach.jpg', mimeType: 'image/jpeg', encoding: '7bit', size: 200_000, sha256: sha256(photo), inParent: true },
          { field: 'notes', filename: 'résumé.txt', mimeType: 'text/plain', encoding: '7bit', size: 14, sha256: sha256('line 1\r\nline 2'), inParent: true },
          { field: 'empty', filename: 'empty.bin', mimeType: 'application/octet-stream', encoding: '7bit', size: 0, sha256: sha256(''), inParent: true },
        ],
      })
    })

    it('never uses the client’s file name as a path: folders are stripped and the file is named by the plugin', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      app.post('/upload', async (req) => (await readForm(req)).files.map((f) => ({ filename: f.filename, name: f.path.slice(dirname(f.path).length + 1) })))
      const res = await t.request(
        app,
        multipartRequest('/upload', [
          { name: 'a', value: 'x', filename: '../../etc/passwd' },
          { name: 'b', value: 'y', filename: 'C:\\Users\\me\\secret.txt' },
        ]),
      )
      assert.deepEqual(res.json(), [
        { filename: 'passwd', name: '0' },
        { filename: 'secret.txt', name: '1' },
      ])
    })

    it('removes the upload folder after the request', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      app.post('/upload', async (req) => {
        const { files } = await readForm(req)
        return { paths: files.map((f) => f.path), existed: files.every((f) => existsSync(f.path)) }
      })
      const res = await t.request(
        app,
        multipartRequest('/upload', [
          { name: 'a', value: bytes(10_000), filename: 'a.bin' },
          { name: 'b', value: bytes(20_000), filename: 'b.bin' },
        ]),
      )
      const { paths, existed } = res.json() as { paths: string[]; existed: boolean }
      assert.equal(existed, true, 'the files exist while the handler runs')
      assert.equal(paths.length, 2)
      await eventually(() => leftIn(parent).length === 0, `the upload folder under ${parent} is removed`)
      for (const path of paths) assert.equal(existsSync(path), false)
    })

    it('sends an upload back whole with reply.file before removing it', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      app.post('/echo', async (req) => {
        const { files } = await readForm(req)
        return reply.file(files[0]!.path, { contentType: files[0]!.mimeType })
      })
      const payload = bytes(300_000, 7)
      const res = await t.request(app, multipartRequest('/echo', [{ name: 'f', value: payload, filename: 'f.bin', contentType: 'application/x-test' }]))
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-type'], 'application/x-test')
      assert.equal(sha256(res.body), sha256(payload))
      await eventually(() => leftIn(parent).length === 0, 'the upload folder is removed after the reply')
    })

    it('hands each file to onFile as a stream, saving nothing', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      app.post('/stream', async (req) => {
        const seen: Array<{ field: string; filename: string; mimeType: string; sha256: string }> = []
        const { fields, files } = await readForm(req, {
          onFile: async (part) => {
            const hash = createHash('sha256')
            for await (const chunk of part.stream) hash.update(chunk as Buffer)
            seen.push({ field: part.field, filename: part.filename, mimeType: part.mimeType, sha256: hash.digest('hex') })
          },
        })
        return { fields, files, seen, saved: leftIn(parent) }
      })
      const a = bytes(150_000, 3)
      const b = bytes(70_000, 4)
      const res = await t.request(
        app,
        multipartRequest('/stream', [
          { name: 'first', value: a, filename: 'a.bin' },
          { name: 'caption', value: 'two files' },
          { name: 'second', value: b, filename: 'b.csv', contentType: 'text/csv' },
        ]),
      )
      assert.deepEqual(res.json(), {
        fields: { caption: 'two files' },
        files: [],
        seen: [
          { field: 'first', filename: 'a.bin', mimeType: 'application/octet-stream', sha256: sha256(a) },
          { field: 'second', filename: 'b.csv', mimeType: 'text/csv', sha256: sha256(b) },
        ],
        saved: [],
      })
    })

    it('drops what onFile left unread and reads the fields after it', async () => {
      const app = createTestApp()
      app.post('/stream', async (req) => {
        const { fields } = await readForm(req, { onFile: () => undefined })
        return fields
      })
      const res = await t.request(
        app,
        multipartRequest('/stream', [
          { name: 'ignored', value: bytes(100_000), filename: 'big.bin' },
          { name: 'after', value: 'still read' },
        ]),
      )
      assert.deepEqual(res.json(), { after: 'still read' })
    })

    it('answers with the error an onFile handler rejects with (a 5xx logged, a 4xx as it is)', async () => {
      const app = createTestApp()
      app.post('/refuse', (req) =>
        readForm(req, {
          onFile: (part) => {
            part.stream.resume()
            throw new HttpError(422, `Files of type ${part.mimeType} are not accepted.`, { code: 'UPLOAD_TYPE' })
          },
        }).then(() => 'read'),
      )
      app.post('/crash', (req) =>
        readForm(req, {
          onFile: async () => {
            throw new Error('bucket unreachable')
          },
        }).then(() => 'read'),
      )
      const refused = await t.request(app, multipartRequest('/refuse', [{ name: 'f', value: 'x', filename: 'x.exe', contentType: 'application/x-msdownload' }]))
      assert.equal(assertProblem(refused, { status: 422, code: 'UPLOAD_TYPE' }).detail, 'Files of type application/x-msdownload are not accepted.')
      const crashed = await t.request(app, multipartRequest('/crash', [{ name: 'f', value: 'x', filename: 'x.bin' }]))
      assertProblem(crashed, { status: 500 })
      const [line] = app.logger.errors()
      assert.equal((line!.fields.err as Error).message, 'bucket unreachable')
    })

    it('fails the read at the first failing onFile, without waiting for another that never settles', async () => {
      const app = createTestApp()
      app.post('/upload', (req) =>
        readForm(req, {
          onFile: async (part) => {
            for await (const _ of part.stream);
            if (part.field === 'first') return new Promise(() => {}) // a handler stuck after reading its part
            throw new HttpError(422, 'The second file is refused.', { code: 'SECOND_REFUSED' })
          },
        }).then(() => 'read'),
      )
      const res = await t.request(
        app,
        multipartRequest('/upload', [
          { name: 'first', value: 'a', filename: 'a.bin' },
          { name: 'second', value: 'b', filename: 'b.bin' },
        ]),
      )
      assertProblem(res, { status: 422, code: 'SECOND_REFUSED' })
    })

    it('refuses to save files on a route the plugin does not cover, with FORM_NOT_REGISTERED in the log', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.group('/covered', (g) => {
        g.register(form, { tmpDir: parent })
        g.post('/upload', async (req) => (await readForm(req)).files.length)
      })
      app.post('/uncovered', async (req) => (await readForm(req)).files.length)
      const parts = [{ name: 'f', value: 'x', filename: 'x.txt' }]
      assert.equal((await t.request(app, multipartRequest('/covered/upload', parts))).json(), 1)
      const res = await t.request(app, multipartRequest('/uncovered', parts))
      assertProblem(res, { status: 500 })
      const err = app.logger.errors()[0]!.fields.err as Error & { code: string }
      assert.equal(err.code, 'FORM_NOT_REGISTERED')
      assert.match(err.message, /the plugin does not cover this route\. Register it on the app or the route’s group \(app\.register\(form\)\), or pass onFile/)
    })

    it('reads multipart without the plugin when onFile takes the files', async () => {
      const app = createTestApp()
      app.post('/stream', async (req) => {
        let size = 0
        const { fields } = await readForm(req, {
          onFile: async (part) => {
            for await (const chunk of part.stream) size += (chunk as Buffer).length
          },
        })
        return { fields, size }
      })
      const res = await t.request(
        app,
        multipartRequest('/stream', [
          { name: 'f', value: bytes(5000), filename: 'f.bin' },
          { name: 'a', value: '1' },
        ]),
      )
      assert.deepEqual(res.json(), { fields: { a: '1' }, size: 5000 })
    })

    it('gives an upload path under the tmpDir of the call over the plugin’s', async () => {
      const pluginParent = uploadParent()
      const callParent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: pluginParent })
      app.post('/upload', async (req) => {
        const { files } = await readForm(req, { tmpDir: callParent })
        return { inCall: dirname(dirname(files[0]!.path)) === callParent, pluginEmpty: leftIn(pluginParent).length === 0 }
      })
      const res = await t.request(app, multipartRequest('/upload', [{ name: 'f', value: 'x', filename: 'x' }]))
      assert.deepEqual(res.json(), { inCall: true, pluginEmpty: true })
      await eventually(() => leftIn(callParent).length === 0, 'the upload folder is removed')
    })

    it('saves into os.tmpdir() by default', async () => {
      const app = createTestApp()
      app.register(form)
      let path = ''
      app.post('/upload', async (req) => {
        path = (await readForm(req)).files[0]!.path
        return { prefix: dirname(path).startsWith(join(tmpdir(), 'vectora-form-')) }
      })
      const res = await t.request(app, multipartRequest('/upload', [{ name: 'f', value: 'x', filename: 'x' }]))
      assert.deepEqual(res.json(), { prefix: true })
      await eventually(() => !existsSync(dirname(path)), 'the upload folder is removed')
    })
  })
})
