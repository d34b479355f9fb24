/**
 * @module plugins/static/test/changes — files that change while the app runs, through both transports: a file added
 * after start is served (nothing is cached but the root's realpath), a file removed between the plugin's check and
 * the kernel's open is the kernel's 404, and a deploy that flips a `current` symlink in the root's path is followed.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileBody } from 'vectora'
import { assertProblem, forEachTransport } from 'vectora/testing'
import { fixture, SECRET, staticApp } from './support.js'

/** A fresh folder under the fixture's, for a test that changes files. */
function scratch(): string {
  return mkdtempSync(join(fixture.dir, 'changes-'))
}

describe('@vectora/static: files that change', () => {
  forEachTransport((t) => {
    it('serves a file created after the app started, and 404s it once removed', async () => {
      const root = scratch()
      const app = staticApp({}, root)
      assert.equal((await t.request(app, { url: '/late.txt' })).status, 404)
      writeFileSync(join(root, 'late.txt'), 'late')
      assert.equal((await t.request(app, { url: '/late.txt' })).text(), 'late')
      rmSync(join(root, 'late.txt'))
      assert.equal((await t.request(app, { url: '/late.txt' })).status, 404)
    })

    it('answers 404 when the file is removed after the plugin checked it and before the kernel opens it', async () => {
      const root = scratch()
      writeFileSync(join(root, 'brief.txt'), 'here for a moment')
      const app = staticApp({}, root)
      // onSend runs after reply.file() stat'ed the file and before the kernel opens it: the window of the race.
      app.addHook('onSend', (reply) => {
        if (reply.body instanceof FileBody) rmSync(reply.body.path)
      })
      const res = await t.request(app, { url: '/brief.txt' })
      assertProblem(res, { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: '/brief.txt' })
      assert.deepEqual(app.logger.errors(), [])
    })

    it('follows a deploy that flips the `current` symlink the root goes through', async () => {
      const dir = scratch()
      for (const release of ['v1', 'v2']) {
        mkdirSync(join(dir, release))
        writeFileSync(join(dir, release, 'version.txt'), release)
      }
      symlinkSync(join(dir, 'v1'), join(dir, 'current'))
      const app = staticApp({}, join(dir, 'current'))
      assert.equal((await t.request(app, { url: '/version.txt' })).text(), 'v1')
      // The deploy: a new symlink renamed over the old one (atomic), then the old release removed.
      symlinkSync(join(dir, 'v2'), join(dir, 'next'))
      renameSync(join(dir, 'next'), join(dir, 'current'))
      rmSync(join(dir, 'v1'), { recursive: true })
      assert.equal((await t.request(app, { url: '/version.txt' })).text(), 'v2')
    })

    it('still refuses a symlink out of the root after the root moved', async () => {
      const dir = scratch()
      mkdirSync(join(dir, 'v1'))
      symlinkSync(fixture.secretFile, join(dir, 'v1', 'out.txt'))
      symlinkSync(join(dir, 'v1'), join(dir, 'current'))
      const app = staticApp({}, join(dir, 'current'))
      const res = await t.request(app, { url: '/out.txt' })
      assert.equal(res.status, 404)
      assert.ok(!res.text().includes(SECRET))
    })
  })
})
