/**
 * @module scripts/gen-errors-doc — writes docs/errors.md from the error catalogue.
 *
 * Run from the repository root: `npx tsx kernel/scripts/gen-errors-doc.ts` (`--check` exits 1 when the
 * file is stale instead of writing it).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderErrorsDoc } from '../ts/internal/errors-doc.js'

const target = fileURLToPath(new URL('../../docs/errors.md', import.meta.url))
const markdown = renderErrorsDoc()

if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(target, 'utf8')
  } catch {}
  if (current !== markdown) {
    console.error('docs/errors.md is stale: run `npx tsx kernel/scripts/gen-errors-doc.ts`.')
    process.exit(1)
  }
} else {
  writeFileSync(target, markdown)
  console.log(`wrote ${target}`)
}
