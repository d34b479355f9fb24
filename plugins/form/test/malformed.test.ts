/**
 * @module plugins/form/test/malformed — multipart bodies that are no valid form, through both transports: each
 * is a 400 FORM_MALFORMED (never a 500, never a hang), logs nothing, and leaves no partial file on disk.
 */
import assert from 'node:assert/strict'
import { form, readForm } from '@vectora/form'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { BOUNDARY, bytes, leftIn, MULTIPART, multipart, partHead, uploadParent } from './support.js'

/** An app whose POST /upload saves a form under a fresh parent folder. */
function uploadApp() {
  const parent = uploadParent()
  const app = createTestApp()
  app.register(form, { tmpDir: parent })
  app.post('/upload', async (req) => (await readForm(req)).files.length)
  return { app, parent }
}

const complete = multipart([
  { name: 'a', value: '1' },
  { name: 'f', value: bytes(50_000), filename: 'f.bin' },
])

const bodies: Array<{ what: string; contentType: string; body: Buffer | string; detail: RegExp }> = [
  {
    what: 'a Content-Type without a boundary',
    contentType: 'multipart/form-data',
    body: complete,
    detail: /needs a boundary parameter, as in multipart\/form-data; boundary=----x\.$/,
  },
  {
    what: 'a body written with another boundary than the Content-Type’s',
    contentType: 'multipart/form-data; boundary=something-else',
    body: complete,
    detail: /^The multipart\/form-data body is malformed: Unexpected end of form\. Check that the body uses the boundary/,
  },
  {
    what: 'a body cut in the middle of a file',
    contentType: MULTIPART,
    body: Buffer.concat([partHead({ name: 'a', filename: 'a.bin' }), bytes(30_000)]),
    detail: /malformed: Unexpected end of (form|file)\./,
  },
  {
    what: 'a body cut after its last part, without the closing boundary',
    contentType: MULTIPART,
    body: complete.subarray(0, complete.length - `--${BOUNDARY}--\r\n`.length),
    detail: /malformed: Unexpected end of form\./,
  },
  {
    what: 'a part whose header block is larger than 16 KiB',
    contentType: MULTIPART,
    body: multipart([{ name: 'a', value: '1', headers: [`X-Padding: ${'p'.repeat(17 * 1024)}`] }]),
    detail: /malformed: Malformed part header\./,
  },
  {
    what: 'a part header that is not a header',
    contentType: MULTIPART,
    body: `--${BOUNDARY}\r\nnot a header line\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`,
    detail: /malformed: Malformed part header\./,
  },
  {
    what: 'an empty body',
    contentType: MULTIPART,
    body: '',
    detail: /malformed: Unexpected end of form\./,
  },
]

describe('@vectora/form: malformed multipart bodies', () => {
  forEachTransport((t) => {
    for (const { what, contentType, body, detail } of bodies) {
      it(`answers 400 FORM_MALFORMED to ${what}, leaving nothing on disk`, async () => {
        const { app, parent } = uploadApp()
        const res = await t.request(app, { method: 'POST', url: '/upload', headers: { 'content-type': contentType }, body })
        const problem = assertProblem(res, { status: 400, code: 'FORM_MALFORMED', instance: '/upload' })
        assert.match(problem.detail as string, detail)
        assert.deepEqual(leftIn(parent), [])
        assert.deepEqual(app.logger.errors(), [])
      })
    }

    it('skips a part without a Content-Disposition, and reads the rest', async () => {
      const app = createTestApp()
      app.post('/fields', async (req) => (await readForm(req, { onFile: () => undefined })).fields)
      const stray = Buffer.from(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nstray\r\n`)
      const res = await t.request(app, {
        method: 'POST',
        url: '/fields',
        headers: { 'content-type': MULTIPART },
        body: Buffer.concat([stray, multipart([{ name: 'a', value: '1' }])]),
      })
      assert.deepEqual(res.json(), { a: '1' })
    })
  })
})
