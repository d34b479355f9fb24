/**
 * @module test/helpers/typecheck — runs the repository's `tsc` (TypeScript 7, the native compiler, which has no
 * JavaScript API) once over a set of files and parses its diagnostics, so callers can map them back to sources.
 */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { promisify } from 'node:util'

/** One tsc error: the file as tsc printed it (absolute), 1-based line and column, `TS2345`, the message. */
export interface Diagnostic {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly code: string
  readonly message: string
}

const run = promisify(execFile)
// `tsc` prints `file(line,col): error TSnnnn: message`; continuation lines of a message are indented.
const HEAD = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/

/**
 * Runs `tsc -p <project>` with `--noEmit --pretty false` and returns every error. A tsc that fails without
 * printing a single diagnostic (a broken tsconfig, a missing compiler) throws instead of returning [].
 *
 * @example
 * const errors = await typecheckProject('/tmp/x/tsconfig.json')
 */
export async function typecheckProject(project: string): Promise<Diagnostic[]> {
  const require = createRequire(import.meta.url)
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')
  const dir = path.dirname(project)
  let stdout: string
  try {
    ;({ stdout } = await run(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty', 'false'], { cwd: dir, maxBuffer: 64 << 20 }))
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: unknown }
    if (typeof e.stdout !== 'string') throw error
    stdout = e.stdout
    const parsed = parseDiagnostics(stdout, dir)
    if (parsed.length === 0) throw new Error(`tsc failed (exit ${String(e.code)}) without diagnostics:\n${stdout}${e.stderr ?? ''}`)
    return parsed
  }
  return parseDiagnostics(stdout, dir)
}

/** Parses tsc's plain output; relative file names are resolved against `cwd`. */
export function parseDiagnostics(output: string, cwd: string): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const line of output.split(/\r?\n/)) {
    const head = HEAD.exec(line)
    if (head) {
      out.push({ file: path.resolve(cwd, head[1]), line: Number(head[2]), column: Number(head[3]), code: head[4], message: head[5] })
    } else if (line.startsWith(' ') && out.length > 0) {
      const last = out.pop()!
      out.push({ ...last, message: `${last.message}\n${line}` })
    }
  }
  return out
}
