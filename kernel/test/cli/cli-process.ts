/**
 * @module kernel/test/cli/cli-process — runs the real `vectora` bin (kernel/bin/vectora.js, on the built kernel) in a
 * child process and waits for what it prints; makes throwaway app folders outside the repository whose
 * node_modules link to this repository's vectora (and tsx, when asked), as an installed app has them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const KERNEL = join(ROOT, 'kernel')
export const BIN = join(KERNEL, 'bin', 'vectora.js')
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))

/**
 * Builds kernel/ts into kernel/dist (incremental: quick when nothing changed), since the bin runs the build.
 * A type error elsewhere in the kernel does not stop the emit; only a missing CLI build fails the suite.
 */
export function ensureBuilt(): void {
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'kernel'], { cwd: ROOT, stdio: 'ignore' })
  } catch {
    // Reported below if it matters.
  }
  if (!existsSync(join(KERNEL, 'dist', 'cli', 'main.js'))) throw new Error('kernel/dist/cli/main.js is missing: `npx tsc -b kernel` failed')
}

/** A running `vectora` process and what it printed so far. */
export class CliProcess {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  /** Exit code, or 128 + signal number when killed by a signal. */
  readonly exited: Promise<number>
  #waiters: Array<() => void> = []

  constructor(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
    // PORT and HOST of the machine must not move the fixtures (they listen on PORT, default 0).
    const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: undefined, PORT: undefined, HOST: undefined, ...options.env }
    // The test runner's own loader (mocha runs under tsx) must not leak into the CLI's process.
    delete env.NODE_OPTIONS
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout!.on('data', (chunk: Buffer) => this.#append('stdout', chunk))
    this.child.stderr!.on('data', (chunk: Buffer) => this.#append('stderr', chunk))
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      for (const wake of this.#waiters) wake()
      return code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)
    })
    running.add(this)
    void this.exited.then(() => running.delete(this))
  }

  #append(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this[stream] += chunk.toString()
    for (const wake of this.#waiters) wake()
  }

  /** Resolves once `test` returns a value for the output so far; rejects if the process exits first. */
  until<T>(test: (out: { stdout: string; stderr: string }) => T | undefined, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      let exited = false
      void this.exited.then(() => (exited = true))
      const check = (): void => {
        const found = test({ stdout: this.stdout, stderr: this.stderr })
        if (found !== undefined && found !== false) {
          this.#waiters = this.#waiters.filter((w) => w !== check)
          resolve(found)
        } else if (exited || this.child.exitCode !== null || this.child.signalCode !== null) {
          this.#waiters = this.#waiters.filter((w) => w !== check)
          reject(new Error(`exited before ${what}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`))
        }
      }
      this.#waiters.push(check)
      check()
    })
  }

  /** The JSON log lines printed on stdout so far. */
  logLines(): Array<Record<string, unknown>> {
    return jsonLines(this.stdout)
  }

  /** Resolves the `n`-th (1-based) `listening` log line's port. */
  listening(n = 1): Promise<number> {
    return this.until(() => {
      const lines = this.logLines().filter((line) => line.msg === 'listening')
      return lines.length >= n ? (lines[n - 1].port as number) : undefined
    }, `listening line ${n}`)
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal)
  }
}

const running = new Set<CliProcess>()

/** Kills whatever a test left running (a failed assertion must not leave a server behind). */
export async function killLeftovers(): Promise<void> {
  const left = [...running]
  for (const cli of left) cli.kill('SIGKILL')
  await Promise.all(left.map((cli) => cli.exited))
}

/** Runs `vectora <args>` to its end. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = new CliProcess(args, options)
  const code = await cli.exited
  return { code, stdout: cli.stdout, stderr: cli.stderr }
}

/** The lines of `text` that are JSON objects. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

const madeApps: string[] = []

/**
 * A throwaway app folder in the system's temp folder: `files` (path -> content), a package.json of type module
 * unless given, node_modules/vectora linked to this repository's kernel, and node_modules/tsx when `tsx`.
 */
export function makeApp(files: Record<string, string>, options: { tsx?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'vectora-cli-'))
  madeApps.push(dir)
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(KERNEL, join(dir, 'node_modules', 'vectora'), 'dir')
  if (options.tsx) symlinkSync(join(ROOT, 'node_modules', 'tsx'), join(dir, 'node_modules', 'tsx'), 'dir')
  const all = { 'package.json': '{ "type": "module" }\n', ...files }
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/** Removes the app folders made so far. */
export function removeApps(): void {
  for (const dir of madeApps.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** A server holding a port on 127.0.0.1 (so that listening there fails); close it after the test. */
export async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { port: (server.address() as { port: number }).port, server }
}

/** A port that was free a moment ago (for a check that must find it free). */
export async function freePort(): Promise<number> {
  const { port, server } = await holdPort()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** GET `path` on 127.0.0.1:`port`: status, a header and the JSON body. */
export async function get(port: number, path: string): Promise<{ status: number; stamp: string | null; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, stamp: res.headers.get('x-stamp'), body: await res.json() }
}
