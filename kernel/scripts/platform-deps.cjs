#!/usr/bin/env node
/**
 * @module scripts/platform-deps — the pre-publish problem, solved at pack time (docs/releasing.md).
 *
 * `vectora` reaches its kernel through the per-platform packages (`@vectora/kernel-<platform>`, listed in
 * `neon.platforms`), which a published `vectora` must name as exact-version `optionalDependencies`. In the
 * repository they cannot be listed: until they are published, npm leaves a missing optional dependency out of
 * `package-lock.json` and `npm ci` then fails ("Missing ... from lock file"). So the repository's package.json
 * does not list them, and `npm pack` / `npm publish` (and lerna, which packs the same way) add them:
 *
 *   prepack  -> `node scripts/platform-deps.cjs add`: keeps the manifest as it is, writes the optional
 *               dependencies (every platform at this package's own version);
 *   postpack -> `node scripts/platform-deps.cjs restore`: puts the kept manifest back.
 *
 * A pack that dies between the two leaves the kept copy next to package.json; the next `add` or `restore`
 * restores it first, so the repository never keeps a manifest that names unpublished packages.
 */
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const manifest = path.join(root, 'package.json')
const kept = path.join(root, '.package.json.prepack')

function restore() {
  if (!fs.existsSync(kept)) return false
  fs.writeFileSync(manifest, fs.readFileSync(kept))
  fs.rmSync(kept)
  return true
}

function add() {
  restore()
  const text = fs.readFileSync(manifest, 'utf8')
  const pkg = JSON.parse(text)
  const platforms = Object.keys((pkg.neon && pkg.neon.platforms) || {})
  if (platforms.length === 0) throw new Error('kernel/package.json has no neon.platforms: nothing to depend on.')
  const org = pkg.neon.org
  const prefix = pkg.neon.prefix || ''
  const optional = { ...(pkg.optionalDependencies || {}) }
  for (const platform of platforms) optional[`${org}/${prefix}${platform}`] = pkg.version
  fs.writeFileSync(kept, text)
  pkg.optionalDependencies = optional
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`)
  return optional
}

const command = process.argv[2]
if (command === 'add') {
  const optional = add()
  console.error(`vectora: packing with optionalDependencies ${JSON.stringify(optional)}`)
} else if (command === 'restore') {
  restore()
} else {
  console.error('usage: node scripts/platform-deps.cjs add|restore')
  process.exit(2)
}
