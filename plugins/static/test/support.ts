/**
 * @module plugins/static/test/support — what the static suites share: a fixture tree written once into a temporary
 * folder (a root to serve, a secret beside it, symlinks in and out, precompressed variants, a 1 MiB file), an app with
 * the plugin registered, curl against a real socket, and the matcher of a register() error.
 */
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { type StaticOptions, serveStatic } from '@vectora/static'
import { createTestApp, type TestApp } from 'vectora/testing'

/** The text of every file outside the root: no response may ever contain it. */
export const SECRET = 'TOP SECRET: outside the root'

/** The original of the precompressed `app.js`, and what its variants decode to. */
export const APP_JS = `export const greeting = 'hello from app.js'\n`.repeat(40)

/** The 1 MiB file's bytes. */
export const BIG = randomBytes(1024 * 1024)

/** The fixture folders and files, by role. */
export interface Fixture {
  /** The temporary folder: `public/` (the root), `secret` and `outside/` beside it. */
  readonly dir: string
  readonly root: string
  /** Outside the root. */
  readonly secretFile: string
}

/** Writes the fixture tree into a fresh temporary folder, removed when the process exits. */
export function writeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'vectora-static-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const root = join(dir, 'public')
  const file = (path: string, content: string | Buffer): void => {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  const secretFile = join(dir, 'secret')
  writeFileSync(secretFile, SECRET)
  mkdirSync(join(dir, 'outside'))
  writeFileSync(join(dir, 'outside', 'secret.txt'), SECRET)

  file('hello.txt', 'hello world\n')
  file('page.html', '<h1>page</h1>')
  file('about.html', '<h1>about</h1>')
  file('docs/index.html', '<h1>docs</h1>')
  file('docs/guide.html', '<h1>guide</h1>')
  file('docs/start.htm', '<h1>start</h1>')
  file('a/inner.txt', 'inner')
  file('a b.txt', 'with a space')
  file('ünï.txt', 'unicode name')
  mkdirSync(join(root, 'empty'))
  file('index.html', '<h1>home</h1>')
  file('data.json', '{"ok":true}')
  file('big.bin', BIG)
  // A folder literally named `%2e%2e`: where `/%252e%252e/secret` (decoded once) must land.
  file('%2e%2e/secret', 'literal %2e%2e folder')
  // Dotfiles.
  file('.env', 'DOTENV=1')
  file('.well-known/security.txt', 'Contact: mailto:security@example.com')
  file('sub/.hidden/x.txt', 'hidden')
  // Precompressed variants (real ones: curl --compressed decodes them).
  file('app.js', APP_JS)
  file('app.js.br', brotliCompressSync(APP_JS))
  file('app.js.gz', gzipSync(APP_JS))
  file('style.css', 'body { color: red }\n'.repeat(20))
  file('style.css.gz', gzipSync('body { color: red }\n'.repeat(20)))
  file('docs/index.html.br', brotliCompressSync('<h1>docs</h1>'))
  // A variant that is a folder is no variant.
  file('plain.txt', 'plain')
  mkdirSync(join(root, 'plain.txt.br'))
  // Symlinks: inside the root (served), out of it (refused).
  symlinkSync(join(root, 'hello.txt'), join(root, 'link-in.txt'))
  symlinkSync(secretFile, join(root, 'link-out.txt'))
  symlinkSync(join(dir, 'outside'), join(root, 'linkdir-out'))
  symlinkSync('../secret', join(root, 'relative-out.txt'))
  // A variant that escapes the root is no variant either.
  file('escape.js', 'escape')
  symlinkSync(secretFile, join(root, 'escape.js.br'))
  // Fixed mtimes: ETags and Last-Modified do not depend on when the suite ran.
  const fixed = new Date('2025-01-02T03:04:05Z')
  utimesSync(join(root, 'hello.txt'), fixed, fixed)
  return { dir, root, secretFile }
}

/** The fixture every suite but the ones that change files reads. */
export const fixture = writeFixture()

/** A test app (closed after the test) with the plugin registered on `fixture.root`, `options` on top. */
export function staticApp(options: Partial<StaticOptions> = {}, root = fixture.root): TestApp {
  const app = createTestApp()
  app.register(serveStatic, { root, ...options })
  return app
}

/** The sha256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

const run = promisify(execFile)

/** The curl Debian ships; the curl tests say so and are skipped when it is missing. */
export const CURL = '/usr/bin/curl'

/** What `curl -s -D - ...` printed: the status line and header fields (names lower-cased), and the body. */
export interface CurlResult {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/**
 * Runs curl against `url` with `args` (before the URL) and `-s -D -` (headers on stdout, then the body).
 *
 * @example
 * const res = await curl(`http://127.0.0.1:${port}/big.bin`, ['-r', '0-9'])
 */
export async function curl(url: string, args: readonly string[] = []): Promise<CurlResult> {
  const { stdout } = await run(CURL, ['-s', '-D', '-', ...args, url], { encoding: 'buffer', maxBuffer: 8 * 1024 * 1024 })
  const end = stdout.indexOf('\r\n\r\n')
  if (end === -1) throw new Error(`curl printed no header block: ${stdout.toString('latin1').slice(0, 200)}`)
  const lines = stdout.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0]!)?.[1])
  const headers: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status, headers, body: stdout.subarray(end + 4) }
}

/** For assert.throws around app.register(): a VEC_ERR_PLUGIN_SETUP_FAILED whose cause is a StaticConfigError matching `pattern`. */
export function configError(pattern: RegExp) {
  return (error: any): boolean => {
    if (error?.code !== 'VEC_ERR_PLUGIN_SETUP_FAILED') throw new Error(`expected VEC_ERR_PLUGIN_SETUP_FAILED, got ${error?.code}: ${error?.message}`)
    const cause = error.cause
    if (cause?.name !== 'StaticConfigError' || cause.code !== 'STATIC_CONFIG_INVALID')
      throw new Error(`expected a StaticConfigError, got ${cause?.name}: ${cause?.message}`)
    if (!pattern.test(cause.message)) throw new Error(`message ${JSON.stringify(cause.message)} does not match ${pattern}`)
    return true
  }
}
