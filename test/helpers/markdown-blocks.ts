/**
 * @module test/helpers/markdown-blocks — the TypeScript code blocks of a Markdown page, with the line each
 * starts on, so the docs examples can be type-checked and their errors reported at the page's own lines.
 *
 * Two markers, HTML comments (invisible on GitHub) on the line right before a fence (blank lines allowed):
 * - `<!-- continues-previous -->`: the block goes on from the page's previous ts block (it uses its `app`),
 *   so it is compiled after that block's code, as a reader reads them;
 * - `<!-- not-compiled: why -->`: a true fragment (the shape of a value, a method out of its class). The
 *   reason is mandatory, so every opt-out says why the block is not code.
 */

/** One fenced ```ts block. */
export interface CodeBlock {
  /** 1-based line of the first line of code (the line after the opening fence). */
  readonly line: number
  /** The code, with the fence's indentation removed (blocks inside list items are indented). */
  readonly code: string
  /** Set when a `<!-- not-compiled: reason -->` marker precedes the block. */
  readonly notCompiled?: string
  /** Set when a `<!-- continues-previous -->` marker precedes the block. */
  readonly continues?: true
}

/** A page the extractor cannot read as intended: a marker without a reason or without a block after it. */
export class MarkdownBlockError extends Error {}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/
const NOT_COMPILED = /^\s*<!--\s*not-compiled\s*(?::\s*(.*?))?\s*-->\s*$/
const CONTINUES = /^\s*<!--\s*continues-previous\s*-->\s*$/
const TS_LANGS = new Set(['ts', 'typescript', 'mts'])

/**
 * Every ```ts / ```typescript block of `markdown`, in order; other languages are skipped.
 *
 * @example
 * extractTsBlocks('text\n```ts\nconst a = 1\n```\n') // [{ line: 3, code: 'const a = 1\n' }]
 */
export function extractTsBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: CodeBlock[] = []
  // A marker applies to the next fence; it is pending until then, and only blank lines may come between.
  let pending: { marks: Pick<CodeBlock, 'notCompiled' | 'continues'>; line: number } | undefined
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]
    const notCompiled = NOT_COMPILED.exec(text)
    const continues = CONTINUES.test(text)
    if (notCompiled || continues) {
      if (pending) throw new MarkdownBlockError(`line ${i + 1}: one marker per block (a fragment that is not compiled continues nothing)`)
      const reason = notCompiled?.[1]?.trim() ?? ''
      if (notCompiled && reason === '') throw new MarkdownBlockError(`line ${i + 1}: a not-compiled marker needs a reason: <!-- not-compiled: why -->`)
      pending = { marks: notCompiled ? { notCompiled: reason } : { continues: true }, line: i + 1 }
      continue
    }
    const fence = FENCE.exec(text)
    if (!fence) {
      if (pending && text.trim() !== '') throw strayMarker(pending.line)
      continue
    }
    const [, indent, ticks, lang] = fence
    const body: string[] = []
    let j = i + 1
    // The closing fence uses the same character, at least as many, and nothing after it.
    const close = new RegExp(`^\\s*\\${ticks[0]}{${ticks.length},}\\s*$`)
    while (j < lines.length && !close.test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart())
      j++
    }
    if (TS_LANGS.has(lang.toLowerCase())) {
      const previous = blocks.at(-1)
      if (pending?.marks.continues && (previous === undefined || previous.notCompiled !== undefined)) {
        throw new MarkdownBlockError(`line ${pending.line}: continues-previous needs a compiled ts block before it on the page`)
      }
      blocks.push({ line: i + 2, code: body.join('\n') + '\n', ...pending?.marks })
    } else if (pending) {
      throw strayMarker(pending.line)
    }
    pending = undefined
    i = j
  }
  if (pending) throw strayMarker(pending.line)
  return blocks
}

function strayMarker(line: number): MarkdownBlockError {
  return new MarkdownBlockError(`line ${line}: a marker must come right before a \`\`\`ts block`)
}
