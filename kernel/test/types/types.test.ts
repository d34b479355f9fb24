/**
 * @module kernel/test/types/types — the type-level tests of vectora (the `*.types.ts` files here) compile as
 * they assert. One `tsc --noEmit -p kernel/test/types/tsconfig.json` checks them all (TS 7 has no JS API;
 * its CLI does); each suite reports the errors of its own files, and an error anywhere else (vectora's
 * sources) fails both, as it would have failed each file checked alone.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const PROJECT = 'kernel/test/types/tsconfig.json'
/** The files of each suite, as tsc prints them (relative to the repository root). */
const SUITES = {
  contract: ['kernel/test/types/contract.types.ts'],
  host: ['kernel/test/types/host.types.ts', 'kernel/test/host/fixtures/third-party-plugin.ts'],
}

interface Checked {
  readonly status: number | null
  readonly output: string
  /** Each error with its continuation lines, keyed by the file tsc names. */
  readonly errors: ReadonlyArray<{ file: string; text: string }>
}

let checked: Checked | undefined

/** Runs tsc once for every suite of this file. */
function typecheck(): Checked {
  if (checked === undefined) {
    const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '--pretty', 'false', '-p', PROJECT], {
      cwd: root,
      encoding: 'utf8',
    })
    const output = `${run.stdout}${run.stderr}`
    const errors: Array<{ file: string; text: string }> = []
    for (const line of output.split(/\r?\n/)) {
      const head = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line)
      if (head !== null) errors.push({ file: head[1], text: line })
      else if (line.startsWith(' ') && errors.length > 0) errors[errors.length - 1].text += `\n${line}`
    }
    checked = { status: run.status, output, errors }
  }
  return checked
}

/** The errors that fail the suite owning `files`: its own, and those outside every suite's files. */
function failuresOf(files: readonly string[]): string[] {
  const { status, output, errors } = typecheck()
  // A tsc that fails without one diagnostic (a broken tsconfig, a missing compiler) fails every suite.
  if (status !== 0 && errors.length === 0) return [output]
  const owned = new Set(Object.values(SUITES).flat())
  return errors.filter((e) => files.includes(e.file) || !owned.has(e.file)).map((e) => e.text)
}

describe('contract types', () => {
  it('infers handler types from route schemas (tsc --noEmit on kernel/test/types/contract.types.ts)', function () {
    this.timeout(60_000)
    const failures = failuresOf(SUITES.contract)
    assert.equal(failures.length, 0, `tsc failed:\n${failures.join('\n')}`)
  })
})

describe('host: public types', () => {
  it('types handlers from contracts, req.auth from RequestDecorations, hooks and plugin options (tsc --noEmit on kernel/test/types/host.types.ts)', function () {
    this.timeout(60_000)
    const failures = failuresOf(SUITES.host)
    assert.equal(failures.length, 0, `tsc failed:\n${failures.join('\n')}`)
  })
})
