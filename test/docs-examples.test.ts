/**
 * @module test/docs-examples — every ```ts block of the README files and docs/*.md type-checks as a module of
 * its own, the way a user pastes it into a new app (strict, nodenext, the published package names).
 *
 * The blocks are written into a temporary folder inside the repository, so `vectora`, `arktype` and
 * `@vectora/*` resolve through the workspace's node_modules, and checked by one `tsc` run (the native
 * compiler is a separate process; one run over all blocks keeps the suite to a few seconds). Packages are
 * read from their TypeScript source (`@vectora/source`, as the rest of the suite does): no build needed.
 * A block that is a true fragment opts out with `<!-- not-compiled: reason -->` on the line before it; one
 * that builds on the page's previous block says so with `<!-- continues-previous -->`.
 *
 * The example of docs/plugins.md "Testing a plugin" also runs (under node:test, as the page says it does).
 *
 * Also here, because it is what the README's licence section promises: every published package ships the
 * root LICENSE.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { extractTsBlocks, MarkdownBlockError, type CodeBlock } from './helpers/markdown-blocks.js'
import { typecheckProject, type Diagnostic } from './helpers/typecheck.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** The pages whose examples users copy: the READMEs that ship or that GitHub shows, and the guides. */
function docPages(): string[] {
  const inDir = (dir: string, keep: (name: string) => boolean): string[] =>
    fs.existsSync(path.join(ROOT, dir))
      ? fs
          .readdirSync(path.join(ROOT, dir))
          .filter(keep)
          .sort()
          .map((name) => path.posix.join(dir, name))
      : []
  const readmes = (dir: string): string[] => inDir(dir, (name) => fs.existsSync(path.join(ROOT, dir, name, 'README.md'))).map((sub) => `${sub}/README.md`)
  return [
    'README.md',
    ...inDir('docs', (name) => name.endsWith('.md')),
    'kernel/README.md',
    'plugins/README.md',
    ...readmes('plugins'),
    'create-vectora/README.md',
    ...readmes('create-vectora/templates'),
  ].filter((page) => fs.existsSync(path.join(ROOT, page)))
}

/** What every block is compiled with: what the scaffolded app uses, plus the flags of the issue (strict, nodenext). */
const COMPILER_OPTIONS = {
  strict: true,
  noEmit: true,
  target: 'es2022',
  lib: ['es2022'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  // Every block is its own module, even one without import/export (else they would share one global scope).
  moduleDetection: 'force',
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  types: ['node'],
  customConditions: ['@vectora/source'],
}

/**
 * What every program gets besides the blocks: an app that depends on `vectora` (so a block that only
 * augments `vectora` has the module to augment), and the types of the third-party packages examples
 * import but the workspace does not install — a stand-in that declares only what the docs use.
 */
const CONTEXT_FILES: Record<string, string> = {
  'context-app.ts': "export type { App } from 'vectora'\n",
  'context-externals.d.ts': [
    '// pg (node-postgres), a CommonJS package, as the docs use it; the real types are @types/pg.',
    "declare module 'pg' {",
    '  namespace pg {',
    '    interface PoolConfig { connectionString?: string }',
    '    interface QueryResult<R> { rows: R[] }',
    '    interface PoolClient { query<R = any>(text: string, values?: unknown[]): Promise<QueryResult<R>>; release(): void }',
    '    class Pool {',
    '      constructor(config?: PoolConfig)',
    '      connect(): Promise<PoolClient>',
    '      query<R = any>(text: string, values?: unknown[]): Promise<QueryResult<R>>',
    '      end(): Promise<void>',
    '    }',
    '  }',
    '  export = pg',
    '}',
    '',
  ].join('\n'),
}

/** A written module: its block, and how many lines of it come from the blocks it continues. */
interface Source {
  readonly page: string
  readonly block: CodeBlock
  readonly prefixLines: number
}

/**
 * `docs/deploy.md:27:7 TS2304 Cannot find name 'createApp'.` — where to look in the page itself; undefined for
 * an error in the code a block continues (that block reports it already).
 */
function describeAt(source: Source, d: Diagnostic): string | undefined {
  if (d.line <= source.prefixLines) return undefined
  return `${source.page}:${source.block.line + d.line - source.prefixLines - 1}:${d.column} ${d.code} ${d.message}`
}

// A page read wrong must fail its own test, not the loading of the whole suite.
const pages = docPages().map((page) => {
  try {
    return { page, blocks: extractTsBlocks(fs.readFileSync(path.join(ROOT, page), 'utf8')) }
  } catch (error) {
    return { page, blocks: [] as CodeBlock[], error: error as Error }
  }
})

/** Blocks that must fail: proof that the check can fail, resolves `vectora` and maps lines back to the page. */
const CANARY_PAGE = 'canary.md'
const CANARY_MARKDOWN = [
  '# canary',
  '',
  '```ts',
  "import { createApp, noSuchExport } from 'vectora'",
  '',
  'const app = createApp()',
  "const port: number = 'not a number'",
  '```',
  '',
  '<!-- continues-previous -->',
  '```ts',
  "app.get('/', () => 'ok')",
  'app.noSuchMethod()',
  '```',
  '',
].join('\n')

/** A block that augments a module (`declare module 'vectora' { ... }`) or the global scope. */
const AUGMENTS = /^\s*declare\s+(module\s+['"]|global\b)/m

/**
 * Type-checks `files` as one project named `name` in `dir`. tsc reports only syntax errors when any file has
 * one, which would hide every type error of the other blocks: so the files with errors are dropped and tsc
 * runs again, until a run finds no syntax error. A clean or type-errors-only set takes one run.
 */
async function typecheckGroup(dir: string, name: string, files: string[]): Promise<Diagnostic[]> {
  const found: Diagnostic[] = []
  let remaining = files
  for (;;) {
    const project = path.join(dir, `tsconfig.${name}.json`)
    const names = remaining.map((f) => path.basename(f))
    const files = [...Object.keys(CONTEXT_FILES), ...names]
    fs.writeFileSync(project, JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files }, null, 2))
    const diagnostics = await typecheckProject(project)
    found.push(...diagnostics)
    const failed = new Set(diagnostics.map((d) => d.file))
    const syntactic = diagnostics.some((d) => /^TS1\d{3}$/.test(d.code))
    remaining = remaining.filter((f) => !failed.has(f))
    if (!syntactic || remaining.length === 0 || remaining.length === names.length) return found
  }
}

/**
 * Every block in one program, except that a block augmenting a module gets a program of its own: an
 * augmentation changes the types of every file of its program, so a docs example declaring `req.auth`
 * would clash with @vectora/jwt's declaration, which no real app has both of. The programs run in
 * parallel; errors outside the blocks (the packages they import) are reported once.
 */
async function typecheckAll(dir: string, files: string[]): Promise<Diagnostic[]> {
  const alone = files.filter((f) => AUGMENTS.test(fs.readFileSync(f, 'utf8')))
  const groups = [files.filter((f) => !alone.includes(f)), ...alone.map((f) => [f])].filter((g) => g.length > 0)
  const results = await Promise.all(groups.map((group, i) => typecheckGroup(dir, String(i), group)))
  const seen = new Set<string>()
  return results.flat().filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.code}`
    return seen.has(key) ? false : (seen.add(key), true)
  })
}

describe('docs examples', function () {
  this.timeout(60_000)
  const sources = new Map<string, Source>() // absolute path of the written module -> its block
  const byPage = new Map<string, string[]>()
  const outside: Diagnostic[] = []
  let dir: string

  before(async () => {
    dir = fs.mkdtempSync(path.join(ROOT, '.docs-examples-'))
    const all = [...pages, { page: CANARY_PAGE, blocks: extractTsBlocks(CANARY_MARKDOWN) }]
    for (const { page, blocks } of all) {
      let previous = ''
      for (const block of blocks) {
        if (block.notCompiled !== undefined) continue
        // A continuing block is compiled after the code it continues (itself possibly a continuation).
        const prefix = block.continues ? previous : ''
        const file = path.join(dir, `${page.replace(/[/.]/g, '_')}_L${block.line}.ts`)
        fs.writeFileSync(file, prefix + block.code)
        sources.set(file, { page, block, prefixLines: prefix.split('\n').length - 1 })
        previous = prefix + block.code
      }
    }
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n')
    for (const [name, text] of Object.entries(CONTEXT_FILES)) fs.writeFileSync(path.join(dir, name), text)
    for (const d of await typecheckAll(dir, [...sources.keys()])) {
      const source = sources.get(d.file)
      if (!source) {
        outside.push(d)
        continue
      }
      const at = describeAt(source, d)
      if (at !== undefined) byPage.set(source.page, [...(byPage.get(source.page) ?? []), at])
    }
  })

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  for (const { page, blocks, error } of pages) {
    if (error) {
      it(`reads the code blocks of ${page}`, () => assert.fail(error.message))
      continue
    }
    const compiled = blocks.filter((b) => b.notCompiled === undefined).length
    if (compiled === 0) continue
    it(`type-checks the ${compiled} TypeScript block${compiled === 1 ? '' : 's'} of ${page}`, () => {
      const errors = byPage.get(page) ?? []
      assert.ok(errors.length === 0, `${errors.length} type error(s) in ${page}:\n  ${errors.join('\n  ')}`)
    })
  }

  it('type-checks the workspace packages the examples import, under the same options', () => {
    const errors = outside.map((d) => `${path.relative(ROOT, d.file)}:${d.line}:${d.column} ${d.code} ${d.message}`)
    assert.ok(errors.length === 0, `${errors.length} type error(s) outside the examples:\n  ${errors.join('\n  ')}`)
  })

  it('reports a wrong block at its page and line, with vectora resolved from the workspace', () => {
    const errors = byPage.get(CANARY_PAGE) ?? []
    // TS2305 (no exported member), not TS2307 (cannot find module): `vectora` itself was found.
    assert.ok(
      errors.some((e) => e.startsWith(`${CANARY_PAGE}:4:`) && e.includes('TS2305') && e.includes('noSuchExport')),
      errors.join('\n'),
    )
    assert.ok(
      errors.some((e) => e.startsWith(`${CANARY_PAGE}:7:`) && e.includes('TS2322')),
      errors.join('\n'),
    )
  })

  it('compiles a continuing block after the one it continues, reporting only its own errors at its own lines', () => {
    const errors = byPage.get(CANARY_PAGE) ?? []
    // `app` comes from the block above; the errors of that block are not reported a second time.
    assert.ok(
      errors.some((e) => e.startsWith(`${CANARY_PAGE}:13:`) && e.includes('TS2339') && e.includes('noSuchMethod')),
      errors.join('\n'),
    )
    assert.equal(errors.length, 3, errors.join('\n'))
  })
})

describe('docs examples that run', () => {
  it('runs the "Testing a plugin" example of docs/plugins.md under node:test, all four tests passing', async function () {
    this.timeout(60_000)
    const page = fs.readFileSync(path.join(ROOT, 'docs/plugins.md'), 'utf8')
    const section = page.split(/\r?\n/).indexOf('## Testing a plugin') + 1
    assert.ok(section > 0, 'docs/plugins.md has a "## Testing a plugin" section')
    const block = extractTsBlocks(page).find((b) => b.line > section)
    assert.ok(block?.code.includes("from 'vectora/testing'"), 'the section opens with its vectora/testing example')
    // Inside the repository, so `vectora` resolves through the workspace as in the type-check above.
    const dir = fs.mkdtempSync(path.join(ROOT, '.docs-run-'))
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n')
      fs.writeFileSync(path.join(dir, 'require-key.test.ts'), block.code)
      const args = ['--import', 'tsx', '--conditions=@vectora/source', '--test', '--test-reporter=tap', 'require-key.test.ts']
      const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: dir, maxBuffer: 16 << 20 })
      assert.match(stdout, /^# pass 4$/m, stdout)
      assert.match(stdout, /^# fail 0$/m, stdout)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('extractTsBlocks', () => {
  it('returns the ts and typescript blocks with the line of their first line of code, skipping other languages', () => {
    const md = ['# t', '```sh', 'npm test', '```', '```ts', 'const a = 1', '```', '', '```typescript', 'const b = 2', '```'].join('\n')
    assert.deepEqual(extractTsBlocks(md), [
      { line: 6, code: 'const a = 1\n' },
      { line: 10, code: 'const b = 2\n' },
    ])
  })

  it('removes the indentation of a block inside a list item', () => {
    const md = ['- item:', '', '  ```ts', '  if (x) {', '    y()', '  }', '  ```'].join('\n')
    assert.deepEqual(extractTsBlocks(md), [{ line: 4, code: 'if (x) {\n  y()\n}\n' }])
  })

  it('does not end a block at a fence inside a longer fence', () => {
    const md = ['````ts', 'const md = `', '```', '`', '````'].join('\n')
    assert.deepEqual(extractTsBlocks(md), [{ line: 2, code: 'const md = `\n```\n`\n' }])
  })

  it('marks the block after a not-compiled marker with its reason, and only that block', () => {
    const md = ['<!-- not-compiled: a fragment of the class above -->', '', '```ts', '@get() m() {}', '```', '```ts', 'const a = 1', '```'].join('\n')
    assert.deepEqual(extractTsBlocks(md), [
      { line: 4, code: '@get() m() {}\n', notCompiled: 'a fragment of the class above' },
      { line: 7, code: 'const a = 1\n' },
    ])
  })

  it('marks the block after a continues-previous marker as a continuation', () => {
    const md = ['```ts', 'const app = 1', '```', '<!-- continues-previous -->', '```ts', 'app', '```'].join('\n')
    assert.deepEqual(extractTsBlocks(md), [
      { line: 2, code: 'const app = 1\n' },
      { line: 6, code: 'app\n', continues: true },
    ])
  })

  it('refuses a continuation with no compiled block before it, and two markers on one block', () => {
    assert.throws(() => extractTsBlocks('<!-- continues-previous -->\n```ts\nx\n```\n'), /needs a compiled ts block before it/)
    const afterFragment = '<!-- not-compiled: a shape -->\n```ts\n{ a: 1 }\n```\n<!-- continues-previous -->\n```ts\nx\n```\n'
    assert.throws(() => extractTsBlocks(afterFragment), /needs a compiled ts block before it/)
    assert.throws(() => extractTsBlocks('```ts\nx\n```\n<!-- continues-previous -->\n<!-- not-compiled: why -->\n```ts\ny\n```\n'), /one marker per block/)
  })

  it('refuses a not-compiled marker without a reason', () => {
    assert.throws(() => extractTsBlocks('<!-- not-compiled -->\n```ts\nx\n```\n'), MarkdownBlockError)
    assert.throws(() => extractTsBlocks('<!-- not-compiled: -->\n```ts\nx\n```\n'), /needs a reason/)
  })

  it('refuses a not-compiled marker that is not right before a ts block', () => {
    assert.throws(() => extractTsBlocks('<!-- not-compiled: why -->\nsome text\n```ts\nx\n```\n'), /right before/)
    assert.throws(() => extractTsBlocks('<!-- not-compiled: why -->\n```sh\nx\n```\n'), /right before/)
    assert.throws(() => extractTsBlocks('text\n<!-- not-compiled: why -->\n'), /right before/)
  })
})

describe('published packages', () => {
  /** Every package folder npm would publish: the non-private workspaces and the platform binary packages. */
  function publishable(): string[] {
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
    const expand = (pattern: string): string[] =>
      pattern.endsWith('/*')
        ? fs
            .readdirSync(path.join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => path.posix.join(pattern.slice(0, -2), e.name))
        : [pattern]
    return [...root.workspaces.flatMap(expand), ...expand('kernel/platforms/*')]
      .filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json')))
      .filter((dir) => JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')).private !== true)
  }

  it('has an MIT LICENSE at the root, copyright the Vectora authors', () => {
    const text = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')
    assert.match(text, /^MIT License\n\nCopyright \(c\) 2026 The Vectora authors\n/)
    assert.match(text, /THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/)
  })

  it('ships the root LICENSE in every publishable package, as npm pack lists it', async function () {
    this.timeout(30_000)
    const dirs = publishable()
    assert.ok(dirs.includes('kernel') && dirs.includes('create-vectora'), dirs.join(', '))
    const license = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ...dirs.map((d) => `./${d}`)], {
      cwd: ROOT,
      maxBuffer: 64 << 20,
      shell: process.platform === 'win32',
    })
    const packed = JSON.parse(stdout) as Array<{ name: string; files: Array<{ path: string }> }>
    assert.equal(packed.length, dirs.length)
    const missing = packed.filter((p) => !p.files.some((f) => f.path === 'LICENSE')).map((p) => p.name)
    assert.deepEqual(missing, [], 'packages whose tarball has no LICENSE')
    const different = dirs.filter((d) => fs.readFileSync(path.join(ROOT, d, 'LICENSE'), 'utf8') !== license)
    assert.deepEqual(different, [], 'LICENSE copies that differ from the root LICENSE')
    const notMit = dirs.filter((d) => JSON.parse(fs.readFileSync(path.join(ROOT, d, 'package.json'), 'utf8')).license !== 'MIT')
    assert.deepEqual(notMit, [], 'packages whose "license" field is not MIT')
  })
})
