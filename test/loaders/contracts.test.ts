/**
 * @module test/loaders/contracts — contracts hold under every loader users run an app with: the `tsx` CLI,
 * `node --import tsx`, each with vectora from its TypeScript source and from its compiled `dist` (what an
 * installed package gives). Guards against the dual-package hazard: under tsx, `import` and `require` can
 * hand out two copies of arktype, and a class-identity check then lets every invalid value through.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/contract-app.ts', import.meta.url))
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))

const loaders: Array<{ name: string; command: string; args: string[] }> = [
  { name: 'the tsx CLI, vectora compiled', command: tsx, args: [fixture] },
  { name: 'the tsx CLI, vectora from source', command: tsx, args: ['--conditions=@vectora/source', fixture] },
  { name: 'node --import tsx, vectora compiled', command: process.execPath, args: ['--import', 'tsx', fixture] },
  { name: 'node --import tsx, vectora from source', command: process.execPath, args: ['--import', 'tsx', '--conditions=@vectora/source', fixture] },
]

describe('contracts under every loader', () => {
  for (const loader of loaders) {
    it(`validates params, body and response under ${loader.name}`, async () => {
      // The child must not inherit mocha's own loader flags: each case sets its own.
      const env = { ...process.env, NODE_OPTIONS: '' }
      const { stdout } = await run(loader.command, loader.args, { cwd: root, env, timeout: 60_000 })
      const answers = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, { status: number; body: string }>
      for (const name of ['abc', 'zero', 'fraction', 'noPassword']) {
        assert.equal(answers[name]?.status, 400, `${name}: ${answers[name]?.body}`)
        assert.match(answers[name]!.body, /VEC_ERR_VALIDATION/)
      }
      assert.deepEqual(JSON.parse(answers.seven!.body), { id: 7 })
      assert.deepEqual(JSON.parse(answers.login!.body), { token: 'for alice' })
      assert.equal(answers.leak?.status, 500)
      assert.doesNotMatch(answers.leak!.body, /secret-hash/)
    })
  }
})
