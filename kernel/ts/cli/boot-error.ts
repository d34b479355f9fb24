/**
 * @module cli/boot-error — what an app that failed to start is told: the error's code, its cause chain and the
 * fix, as one JSON log line (production) or a readable block (a terminal, `vectora dev`).
 */

/** An error that stopped an app from starting, explained. */
export interface BootFailure {
  /** The error's code (`VEC_ERR_LISTEN_FAILED`, `ERR_MODULE_NOT_FOUND`, …), or the error's name. */
  readonly code: string
  readonly message: string
  /** What to do; empty when the message already ends with it (every VEC_ERR_* message does). */
  readonly fix: string
  /** The causes, outermost first (`cause.message` of each). */
  readonly causes: readonly string[]
  readonly stack: string | undefined
}

/**
 * Explains a boot error: Vectora's own errors carry their fix; the common Node.js ones get one here.
 *
 * @example
 * explainBootError(new Error('boom')).fix // 'The entry threw before the app listened: …'
 */
export function explainBootError(error: unknown): BootFailure {
  const err = error instanceof Error ? error : new Error(`the entry threw a non-Error value: ${String(error)}`)
  const given = (err as { code?: unknown }).code
  const code = typeof given === 'string' ? given : err.name
  const causes: string[] = []
  for (let cause = err.cause, depth = 0; cause !== undefined && depth < 5; depth++) {
    causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause))
    cause = cause instanceof Error ? cause.cause : undefined
  }
  return { code, message: err.message, fix: fixFor(code, err), causes, stack: err.stack }
}

function fixFor(code: string, err: Error): string {
  // Vectora's errors (VEC_ERR_*) end with their fix already.
  if (code.startsWith('VEC_ERR_')) return ''
  switch (code) {
    case 'ERR_MODULE_NOT_FOUND':
    case 'MODULE_NOT_FOUND':
      return 'A module the entry imports is missing: install the package (npm install), or fix the import path (ES modules need the file extension, e.g. ./app.js).'
    case 'ERR_UNKNOWN_FILE_EXTENSION':
      return 'Node.js cannot load this file type: run .ts files through tsx (vectora does for a .ts entry), or build the app and run the .js output.'
    case 'ERR_REQUIRE_ESM':
    case 'ERR_REQUIRE_ASYNC_MODULE':
      return 'An ES module was loaded with require(): use import, or set "type": "module" in package.json.'
    case 'EADDRINUSE':
      return 'The port is taken: stop the other process, or start on another port (PORT=3001).'
    case 'EACCES':
      return 'Permission denied: ports below 1024 need privileges; use a higher port.'
  }
  if (err instanceof SyntaxError) return 'Fix the syntax error at the file and line Node.js prints below, then start again.'
  return 'The entry threw before the app listened: the stack below says where.'
}

/**
 * The readable block for a terminal: the code and message, the causes, the fix, then the stack.
 *
 * @example
 * process.stderr.write(formatBootFailure(explainBootError(error), 'vectora dev'))
 */
export function formatBootFailure(failure: BootFailure, who: string): string {
  const lines = [`${who}: the app failed to start`, '', `  ${failure.message.startsWith(failure.code) ? '' : `${failure.code}: `}${failure.message}`]
  for (const cause of failure.causes) lines.push(`  cause: ${cause}`)
  if (failure.fix !== '') lines.push('', `  fix: ${failure.fix}`)
  if (failure.stack !== undefined) {
    // Node's own frames (the module loader's) say nothing about the app.
    const frames = failure.stack.split('\n').filter((line) => /^\s+at /.test(line) && !line.includes('node:internal'))
    if (frames.length > 0) lines.push('', ...frames.slice(0, 8).map((frame) => `  ${frame.trim()}`))
  }
  return lines.join('\n') + '\n\n'
}
