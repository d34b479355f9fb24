/**
 * @module cli/entry — finds the module a command runs (`[entry]`, else package.json `main`, else the usual
 * files) and makes a TypeScript entry loadable through the app's own tsx.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliError } from './errors.js'

/** A resolved entry module. */
export interface Entry {
  /** Absolute path of the module. */
  readonly path: string
  /** The path as the user sees it (relative to the working directory when inside it). */
  readonly shown: string
  /** True for .ts, .mts and .cts files: they run under tsx. */
  readonly typescript: boolean
  /** The app's folder: the nearest one with a package.json (else the entry's own folder). */
  readonly root: string
}

/** Which files a command tries, in order, when no entry is given and package.json has no `main`. */
export const DEFAULT_ENTRIES = {
  /** A production run prefers the build. */
  start: ['dist/main.js', 'src/main.ts', 'src/main.js'],
  /** Development and inspection prefer the source. */
  source: ['src/main.ts', 'src/main.js', 'dist/main.js'],
} as const

const TYPESCRIPT = /\.[mc]?ts$/

/**
 * Resolves the entry: `given` (a file, or a folder to look in), else `main` of `<cwd>/package.json`, else the
 * first of `defaults` that exists. Throws VEC_ERR_CLI_ENTRY_NOT_FOUND saying what was tried.
 *
 * @example
 * const entry = resolveEntry(undefined, process.cwd(), DEFAULT_ENTRIES.start)
 */
export function resolveEntry(given: string | undefined, cwd: string, defaults: readonly string[]): Entry {
  if (given !== undefined) {
    const path = resolve(cwd, given)
    if (isFile(path)) return toEntry(path, cwd)
    if (!isDirectory(path)) throw new CliError('VEC_ERR_CLI_ENTRY_NOT_FOUND', `The entry ${given} does not exist (looked for ${path}).`)
    return fromFolder(path, cwd, defaults, given)
  }
  return fromFolder(cwd, cwd, defaults, undefined)
}

function fromFolder(folder: string, cwd: string, defaults: readonly string[], given: string | undefined): Entry {
  const where = given === undefined ? `in ${folder}` : `in the folder ${given}`
  const main = packageMain(folder)
  if (main !== undefined) {
    const path = resolve(folder, main)
    if (isFile(path)) return toEntry(path, cwd)
    throw new CliError(
      'VEC_ERR_CLI_ENTRY_NOT_FOUND',
      `package.json ${where} sets "main": ${JSON.stringify(main)}, and that file does not exist${main.includes('dist') ? ' (build the app first: npm run build)' : ''}.`,
    )
  }
  for (const candidate of defaults) {
    const path = join(folder, candidate)
    if (isFile(path)) return toEntry(path, cwd)
  }
  throw new CliError('VEC_ERR_CLI_ENTRY_NOT_FOUND', `No entry given, package.json ${where} has no "main", and none of ${defaults.join(', ')} exists there.`)
}

function packageMain(folder: string): string | undefined {
  const file = join(folder, 'package.json')
  if (!isFile(file)) return undefined
  let main: unknown
  try {
    main = (JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown }).main
  } catch (cause) {
    throw new CliError('VEC_ERR_CLI_ENTRY_NOT_FOUND', `${file} is not valid JSON (${(cause as Error).message}); fix it to read its "main".`, { cause })
  }
  return typeof main === 'string' && main !== '' ? main : undefined
}

function toEntry(path: string, cwd: string): Entry {
  const rel = relative(cwd, path)
  return { path, shown: rel.startsWith('..') || rel === '' ? path : rel, typescript: TYPESCRIPT.test(path), root: packageRoot(path) }
}

/** The nearest folder above `file` with a package.json, or the file's folder. */
function packageRoot(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) return dirname(file)
  }
}

/**
 * The file of the app's tsx that `node --import tsx` would load (resolved from the entry's folder: the tsx the
 * app installed). Throws VEC_ERR_CLI_TSX_MISSING when there is none.
 *
 * @example
 * if (entry.typescript) findTypeScriptLoader(entry) // '/app/node_modules/tsx/dist/loader.mjs'
 */
export function findTypeScriptLoader(entry: Entry): string {
  try {
    // tsx's package entry ('tsx', what `--import tsx` loads) registers its ESM and CommonJS hooks.
    return createRequire(entry.path).resolve('tsx')
  } catch (cause) {
    throw new CliError('VEC_ERR_CLI_TSX_MISSING', `The entry ${entry.shown} is TypeScript, and tsx (which runs it) is not installed in ${entry.root}.`, {
      cause,
    })
  }
}

/**
 * Makes TypeScript loadable in this process the way `node --import tsx` does, with the app's own tsx.
 *
 * @example
 * if (entry.typescript) await loadTypeScript(entry)
 */
export async function loadTypeScript(entry: Entry): Promise<void> {
  await import(pathToFileURL(findTypeScriptLoader(entry)).href)
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
