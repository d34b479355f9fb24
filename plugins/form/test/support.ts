/**
 * @module plugins/form/test/support — what the form suites share: a multipart body builder (the bytes a browser
 * sends), a per-test upload parent folder that must end empty, sha256, and a wait for a condition that the
 * reply cannot tell (a folder removed by onResponse after the last byte went out).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onCleanup } from 'vectora/testing'

export const BOUNDARY = '----vectora-form-test-7a2f'
export const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`
export const URLENCODED = 'application/x-www-form-urlencoded'

/** One part of a multipart body: a field (no filename) or a file. */
export interface Part {
  readonly name: string
  readonly value: string | Buffer
  readonly filename?: string
  readonly contentType?: string
  /** Extra header lines of the part, as written. */
  readonly headers?: readonly string[]
}

/** A multipart/form-data body of `parts`, closed with the final boundary (as browsers send it). */
export function multipart(parts: readonly Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = []
  for (const part of parts) chunks.push(partHead(part, boundary), Buffer.from(part.value), Buffer.from('\r\n'))
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}

/** The boundary line and headers of one part, up to its blank line. */
export function partHead(part: Omit<Part, 'value'>, boundary = BOUNDARY): Buffer {
  const disposition = `Content-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`
  const lines = [`--${boundary}`, disposition]
  if (part.contentType !== undefined) lines.push(`Content-Type: ${part.contentType}`)
  else if (part.filename !== undefined) lines.push('Content-Type: application/octet-stream')
  lines.push(...(part.headers ?? []))
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`)
}

/** A multipart request for `t.request`. */
export function multipartRequest(url: string, parts: readonly Part[]) {
  return { method: 'POST', url, headers: { 'content-type': MULTIPART }, body: multipart(parts) }
}

/** A urlencoded request for `t.request`. */
export function urlencodedRequest(url: string, body: string) {
  return { method: 'POST', url, headers: { 'content-type': URLENCODED }, body }
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** `size` bytes that differ from position to position (so a shifted or dropped chunk changes the hash). */
export function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    out[i] = x >>> 16
  }
  return out
}

/**
 * A fresh folder to pass as `tmpDir`; after the test it must hold nothing (every request's upload folder was
 * removed), then it is removed itself.
 */
export function uploadParent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'form-test-'))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** What is left in a folder. */
export function leftIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : []
}

/**
 * Resolves once `check()` is true; fails with `what` if it is not within 10 s. For what happens after the reply
 * (onResponse runs once its last byte went out, so the client can see the reply first): a wait, not a timing
 * assertion — a slow machine only waits longer.
 */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`still not true after 10 s: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
