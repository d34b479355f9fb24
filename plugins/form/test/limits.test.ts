/**
 * @module plugins/form/test/limits — every limit of a multipart read through both transports: a form at the
 * limit is read, one past it is refused with its 413 and stable code, and nothing it sent is left on disk.
 */
import assert from 'node:assert/strict'
import { form, readForm } from '@vectora/form'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { bytes, eventually, leftIn, multipartRequest, type Part, uploadParent } from './support.js'

type Limits = Parameters<typeof readForm>[1]

/** An app whose POST /upload reads the form with `limits`, saving files under a fresh parent folder. */
function uploadApp(limits: Limits) {
  const parent = uploadParent()
  const app = createTestApp()
  app.register(form, { tmpDir: parent })
  app.post('/upload', async (req) => {
    const { fields, files } = await readForm(req, limits)
    return { fields: Object.keys(fields).length, files: files.map((f) => f.size) }
  })
  return { app, parent }
}

const field = (name: string, value = 'v'): Part => ({ name, value })
const file = (name: string, size = 10): Part => ({ name, value: bytes(size), filename: `${name}.bin` })

describe('@vectora/form: limits', () => {
  forEachTransport((t) => {
    const cases: Array<{ limit: string; limits: Limits; atLimit: Part[]; past: Part[]; code: string; detail: RegExp }> = [
      {
        limit: 'fileSize',
        limits: { fileSize: 1000 },
        atLimit: [file('a', 1000), file('b', 1000)],
        past: [file('a', 1000), file('b', 1001)],
        code: 'FORM_FILE_TOO_LARGE',
        detail: /^The file in field "b" is larger than 1000 bytes\.$/,
      },
      {
        limit: 'files',
        limits: { files: 2 },
        atLimit: [file('a'), field('x'), file('b')],
        past: [file('a'), file('b'), file('c')],
        code: 'FORM_TOO_MANY_FILES',
        detail: /^The form has more than 2 files; send at most 2\.$/,
      },
      {
        limit: 'fields',
        limits: { fields: 2 },
        atLimit: [field('a'), file('f'), field('b')],
        past: [field('a'), field('b'), file('f'), field('c')],
        code: 'FORM_TOO_MANY_FIELDS',
        detail: /^The form has more than 2 fields; send at most 2\.$/,
      },
      {
        limit: 'parts',
        limits: { parts: 3 },
        atLimit: [field('a'), file('f'), field('b')],
        past: [field('a'), file('f'), field('b'), field('c')],
        code: 'FORM_TOO_MANY_PARTS',
        detail: /^The form has more than 3 parts \(fields and files\); send at most 3\.$/,
      },
      {
        limit: 'parts (the extra part a file)',
        limits: { parts: 2 },
        atLimit: [file('f'), field('a')],
        past: [file('f'), field('a'), file('g', 5000)],
        code: 'FORM_TOO_MANY_PARTS',
        detail: /send at most 2\.$/,
      },
      {
        limit: 'fieldSize',
        limits: { fieldSize: 10 },
        atLimit: [field('a', 'é'.repeat(5)), file('f', 100)],
        past: [field('a', 'short'), field('long', 'x'.repeat(11))],
        code: 'FORM_FIELD_TOO_LARGE',
        detail: /^The field "long" is larger than 10 bytes\.$/,
      },
    ]

    for (const { limit, limits, atLimit, past, code, detail } of cases) {
      it(`${limit}: reads a form at the limit`, async () => {
        const { app, parent } = uploadApp(limits)
        const res = await t.request(app, multipartRequest('/upload', atLimit))
        assert.equal(res.status, 200, res.text())
        await eventually(() => leftIn(parent).length === 0, 'the upload folder is removed')
      })

      it(`${limit}: answers 413 ${code} past it, leaving no file on disk`, async () => {
        const { app, parent } = uploadApp(limits)
        const res = await t.request(app, multipartRequest('/upload', past))
        const problem = assertProblem(res, { status: 413, code, instance: '/upload' })
        assert.match(problem.detail as string, detail)
        // readForm removes the files of a failed read before it rejects: no wait.
        assert.deepEqual(leftIn(parent), [])
        assert.deepEqual(app.logger.errors(), [])
      })
    }

    it('fails the stream of an onFile handler with the 413 past fileSize, and answers it', async () => {
      const app = createTestApp()
      let handlerSaw: unknown
      app.post('/stream', async (req) => {
        await readForm(req, {
          fileSize: 4096,
          onFile: async (part) => {
            try {
              for await (const _ of part.stream);
            } catch (error) {
              handlerSaw = error
              throw error
            }
          },
        })
        return 'read'
      })
      const res = await t.request(app, multipartRequest('/stream', [file('big', 100_000)]))
      assertProblem(res, { status: 413, code: 'FORM_FILE_TOO_LARGE' })
      assert.equal((handlerSaw as { code?: string } | undefined)?.code, 'FORM_FILE_TOO_LARGE')
    })

    it('applies the plugin’s limits to every read of its scope', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent, files: 1 })
      app.post('/upload', async (req) => (await readForm(req)).files.length)
      assertProblem(await t.request(app, multipartRequest('/upload', [file('a'), file('b')])), { status: 413, code: 'FORM_TOO_MANY_FILES' })
      assert.deepEqual(leftIn(parent), [])
    })
  })
})
