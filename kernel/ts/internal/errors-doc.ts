/** @module internal/errors-doc — renders docs/errors.md from the error catalogue (a test compares the two). */
import { errorCatalogue, errorDocsUrl, type ErrorCode, type ErrorEntry } from '../base/catalogue.js'

const RAISED_BY: Record<ErrorEntry['raisedBy'], string> = {
  kernel: 'the Rust kernel',
  request: 'the request path (JavaScript)',
  boot: 'JavaScript, at the call site (thrown as `VectoraError`)',
  process: 'the process-level error policy (a log line, never sent)',
  cli: 'the `vectora` CLI (one line on stderr, then its exit code; docs/cli.md)',
}

/**
 * The markdown of docs/errors.md: a summary table, then one section per code (the anchors the
 * problem+json `type` URLs point at). Deterministic: catalogue order, `\n` line ends, one final newline.
 *
 * @example
 * writeFileSync('docs/errors.md', renderErrorsDoc())
 */
export function renderErrorsDoc(): string {
  const codes = Object.keys(errorCatalogue) as ErrorCode[]
  const cell = (text: string): string => text.replaceAll('|', '\\|')
  const lines = [
    '# Errors',
    '',
    '<!-- Generated from kernel/ts/base/catalogue.ts by kernel/scripts/gen-errors-doc.ts. Do not edit by hand. -->',
    '',
    'Every error Vectora emits has a stable `VEC_ERR_*` code. Codes with an HTTP status are sent as',
    'RFC 9457 `application/problem+json` bodies: `type` (this page, anchored at the code), `title` (the',
    'status reason phrase), `status`, `detail`, `instance` (the request path), `code` and `requestId`.',
    'In development mode (`development: true`) 5xx replies also carry the error message and a `stack`',
    'array; in production no message or stack of an unexpected error leaves the process.',
    '',
    'Codes without a status are thrown as `VectoraError` (with `.code`) where the mistake is made:',
    'at `createApp()`, when adding a route, or at `ready()`/`listen()`/`inject()`/`close()`.',
    '',
    'Your own errors: `throw new HttpError(status, message, { code })` — the message is sent as',
    '`detail`, so it must be safe to show to clients; VEC_ERR_* codes are reserved for Vectora.',
    '',
    '| code | status | meaning | what to do |',
    '|---|---|---|---|',
  ]
  for (const code of codes) {
    const e: ErrorEntry = errorCatalogue[code]
    lines.push(`| [${code}](#${code.toLowerCase()}) | ${e.status ?? '—'} | ${cell(e.title)}: ${cell(e.meaning ?? e.message)} | ${cell(e.hint)} |`)
  }
  for (const code of codes) {
    const e: ErrorEntry = errorCatalogue[code]
    lines.push(
      '',
      `### ${code}`,
      '',
      `- Status: ${e.status === null ? 'none (thrown, not sent)' : `${e.status}`}`,
      `- Raised by: ${RAISED_BY[e.raisedBy]}`,
      `- Meaning: ${e.meaning ?? e.message}`,
      `- What to do: ${e.hint}`,
    )
    if (e.status !== null) lines.push(`- Problem type: \`${errorDocsUrl(code)}\``)
  }
  return lines.join('\n') + '\n'
}
