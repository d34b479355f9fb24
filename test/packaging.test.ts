/**
 * @module test/packaging — what `npm pack` ships for each published package is complete: every source a
 * shipped source map names ships too (stack traces and debuggers open real files), and the entry points
 * the package.json `exports` name are in the tarball.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../', import.meta.url))
const PACKAGES = [
  'kernel',
  'plugins/compress',
  'plugins/cookie',
  'plugins/cors',
  'plugins/db',
  'plugins/form',
  'plugins/helmet',
  'plugins/jwt',
  'plugins/logger',
  'plugins/openapi',
  'plugins/otel',
  'plugins/policy',
  'plugins/rate-limit',
  'plugins/static',
]

/** The paths `npm pack` would put in the tarball of the workspace at `dir`. */
async function packedFiles(dir: string): Promise<Set<string>> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(root, dir) })
  const [report] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
  return new Set(report!.files.map((f) => f.path))
}

/** Every string leaf of a package.json `exports` value. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(exportTargets)
  return []
}

describe('packaging', () => {
  for (const dir of PACKAGES) {
    it(`${dir}: ships every source its source maps name, and every exports target`, async () => {
      const files = await packedFiles(dir)
      const maps = [...files].filter((f) => f.endsWith('.js.map'))
      assert.ok(maps.length > 0, `${dir} ships no source maps: is dist built?`)
      const missing: string[] = []
      for (const map of maps) {
        const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(root, dir, map), 'utf8')) as { sources: string[]; sourceRoot?: string }
        for (const source of sources) {
          const path = normalize(join(dirname(map), sourceRoot, source))
          if (!files.has(path)) missing.push(`${map} -> ${path}`)
        }
      }
      assert.deepEqual(missing, [], 'sources named by shipped maps but not shipped')
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { exports: unknown }
      for (const target of exportTargets(pkg.exports)) assert.ok(files.has(normalize(target)), `${dir}: exports names ${target}, which is not packed`)
    })
  }
})
