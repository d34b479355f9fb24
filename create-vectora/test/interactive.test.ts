/**
 * @module create-vectora/test/interactive — the questions, through a real pseudo-terminal: the bin runs in a
 * tmux session of its own (a private server on a socket in the test's folder), the test reads the screen
 * with capture-pane and types with send-keys, as a user would. Needs tmux (`apt-get install tmux`; CI
 * installs it).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BIN, binEnv, readPackage, tempDir, templateFiles, tree } from './helpers.js'

/** How long a screen may take to show what a test waits for before the test fails with the screen. */
const SCREEN_DEADLINE_MS = 15_000

/** One tmux server and session running the bin in `cwd`. */
class Terminal {
  readonly #socket: string
  readonly #exitFile: string

  constructor(
    readonly home: string,
    readonly cwd: string,
  ) {
    this.#socket = path.join(home, 'tmux.sock')
    this.#exitFile = path.join(home, 'exit-code')
  }

  #tmux(...args: string[]): string {
    const res = spawnSync('tmux', ['-S', this.#socket, ...args], { encoding: 'utf8', env: binEnv({ TERM: 'xterm-256color' }) })
    if (res.error) throw res.error
    if (res.status !== 0) throw new Error(`tmux ${args[0]} failed: ${res.stderr}`)
    return res.stdout
  }

  /** Starts `create-vectora <args>`; its exit code is written to a file when it ends. */
  start(args: string[]): void {
    const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
    const command = `${[process.execPath, BIN, ...args].map(quote).join(' ')}; echo $? > ${quote(this.#exitFile)}`
    // -f /dev/null: none of the machine's tmux configuration; remain-on-exit keeps the last screen readable.
    this.#tmux('-f', '/dev/null', 'new-session', '-d', '-x', '100', '-y', '40', '-c', this.cwd, command)
    this.#tmux('set-option', '-g', 'remain-on-exit', 'on')
  }

  screen(): string {
    return this.#tmux('capture-pane', '-p')
  }

  /** Resolves once the screen shows `pattern`; fails with the screen after the deadline. */
  async waitFor(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + SCREEN_DEADLINE_MS
    for (;;) {
      const screen = this.screen()
      if (pattern.test(screen)) return screen
      if (Date.now() > deadline) throw new Error(`the screen never showed ${pattern}:\n${screen}`)
      await sleep(50)
    }
  }

  /** Keys by tmux name (`Enter`, `Up`, `C-c`). */
  keys(...keys: string[]): void {
    this.#tmux('send-keys', ...keys)
  }

  /** Text typed as it is. */
  type(text: string): void {
    this.#tmux('send-keys', '-l', text)
  }

  /** The bin's exit code, once it ended. */
  async exitCode(): Promise<number> {
    const deadline = Date.now() + SCREEN_DEADLINE_MS
    while (!fs.existsSync(this.#exitFile) || fs.readFileSync(this.#exitFile, 'utf8') === '') {
      if (Date.now() > deadline) throw new Error(`the bin did not end:\n${this.screen()}`)
      await sleep(50)
    }
    return Number(fs.readFileSync(this.#exitFile, 'utf8').trim())
  }

  stop(): void {
    // Our own server only (its socket is in the test's folder): never anyone else's tmux.
    spawnSync('tmux', ['-S', this.#socket, 'kill-server'])
  }
}

describe('create-vectora in a terminal', function () {
  this.timeout(30_000)
  let home: string
  let work: string
  let terminal: Terminal

  before(() => {
    assert.equal(spawnSync('tmux', ['-V']).status, 0, 'these tests drive a pseudo-terminal with tmux: apt-get install tmux')
  })
  beforeEach(() => {
    home = tempDir()
    work = path.join(home, 'work')
    fs.mkdirSync(work)
    terminal = new Terminal(home, work)
  })
  afterEach(() => {
    terminal.stop()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('asks for the directory, template, package manager, install and git, then writes that app', async () => {
    terminal.start([])
    await terminal.waitFor(/Where should the app go\?/)
    terminal.type('shop-api')
    terminal.keys('Enter')
    await terminal.waitFor(/Which template\?[\s\S]*● minimal/)
    terminal.keys('Up') // the list is api, minimal; minimal is preselected
    await terminal.waitFor(/● api/)
    terminal.keys('Enter')
    await terminal.waitFor(/Which package manager\?[\s\S]*● npm/)
    terminal.keys('Down')
    await terminal.waitFor(/● pnpm/)
    terminal.keys('Enter')
    await terminal.waitFor(/Install dependencies with pnpm now\?/)
    terminal.keys('Enter') // yes, the default; VECTORA_CREATE_SKIP_INSTALL stands in for the install
    await terminal.waitFor(/Initialize a git repository\?/)
    terminal.type('n')
    assert.equal(await terminal.exitCode(), 0, terminal.screen())

    const screen = terminal.screen()
    assert.match(screen, /Scaffolded shop-api \(template api\) in shop-api/)
    assert.match(screen, /Skipping `pnpm install`/)
    assert.match(screen, /cd shop-api[\s\S]*pnpm run dev/)
    const dir = path.join(work, 'shop-api')
    assert.deepEqual(tree(dir), templateFiles('api'))
    assert.equal(readPackage(dir).name, 'shop-api')
  })

  it('asks only what the flags leave open', async () => {
    terminal.start(['flagged', '--template', 'minimal', '--pm', 'npm', '--no-git'])
    await terminal.waitFor(/Install dependencies with npm now\?/)
    terminal.type('n')
    assert.equal(await terminal.exitCode(), 0, terminal.screen())
    const screen = terminal.screen()
    assert.doesNotMatch(screen, /Where should the app go|Which template|Which package manager|git repository/)
    assert.deepEqual(tree(path.join(work, 'flagged')), templateFiles('minimal'))
  })

  it('leaves nothing behind and exits 130 when Ctrl-C cancels a question', async () => {
    terminal.start([])
    await terminal.waitFor(/Where should the app go\?/)
    terminal.type('cancelled-app')
    terminal.keys('Enter')
    await terminal.waitFor(/Which template\?/)
    terminal.keys('Enter')
    await terminal.waitFor(/Which package manager\?/)
    terminal.keys('C-c')
    assert.equal(await terminal.exitCode(), 130, terminal.screen())
    assert.match(terminal.screen(), /cancelled; nothing was written\./)
    assert.deepEqual(fs.readdirSync(work), [])
  })

  it('rejects a directory name that cannot name the package in the question, and takes a corrected one', async () => {
    terminal.start(['--template', 'minimal', '--pm', 'npm', '--no-install', '--no-git'])
    await terminal.waitFor(/Where should the app go\?/)
    terminal.type('My App')
    terminal.keys('Enter')
    await terminal.waitFor(/"My App" cannot name the package: it has capital letters\. Try "my-app"\./)
    for (let i = 0; i < 'My App'.length; i++) terminal.keys('BSpace')
    terminal.type('my-app')
    terminal.keys('Enter')
    assert.equal(await terminal.exitCode(), 0, terminal.screen())
    assert.deepEqual(fs.readdirSync(work), ['my-app'])
  })

  it('asks before replacing a non-empty directory; the default answer, no, changes nothing and exits 1', async () => {
    const busy = path.join(work, 'busy')
    fs.mkdirSync(busy)
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'keep me')
    terminal.start(['busy'])
    await terminal.waitFor(/busy is not empty \(1 entry\)\. Replace its contents\? Everything but \.git is removed\./)
    terminal.keys('Enter')
    assert.equal(await terminal.exitCode(), 1, terminal.screen())
    assert.deepEqual(tree(busy), ['notes.txt'])
    assert.deepEqual(fs.readdirSync(work), ['busy'])
  })

  it('replaces the contents of a non-empty directory when the answer is yes', async () => {
    const busy = path.join(work, 'busy')
    fs.mkdirSync(busy)
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'old')
    terminal.start(['busy', '--template', 'minimal', '--pm', 'npm', '--no-install', '--no-git'])
    await terminal.waitFor(/Replace its contents\?/)
    terminal.type('y')
    assert.equal(await terminal.exitCode(), 0, terminal.screen())
    assert.deepEqual(tree(busy), templateFiles('minimal'))
  })
})
