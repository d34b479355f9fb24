/**
 * @module test/helpers/rust-literals — the string literals of a Rust source file, read as text.
 *
 * Comments are skipped (a doc comment may name `VEC_ERR_ROUTE_*` as a family, which is no code), and
 * so are char literals such as '"', which would otherwise open a phantom string.
 */

/** Every string literal in `source` ("..." with escapes, r"..." and r#"..."#, b"..."), contents as written. */
export function rustStringLiterals(source: string): string[] {
  const out: string[] = []
  let i = 0
  const n = source.length
  while (i < n) {
    const c = source[i]
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (c === 'r' && /^r#*"/.test(source.slice(i, i + 40)) && startsToken(source, i)) {
      const hashes = /^r(#*)"/.exec(source.slice(i, i + 40))![1]
      const start = i + 1 + hashes.length + 1
      const end = source.indexOf(`"${hashes}`, start)
      out.push(source.slice(start, end === -1 ? n : end))
      i = end === -1 ? n : end + 1 + hashes.length
    } else if (c === '"') {
      let j = i + 1
      while (j < n && source[j] !== '"') j += source[j] === '\\' ? 2 : 1
      out.push(source.slice(i + 1, j))
      i = j + 1
    } else if (c === "'") {
      // A char literal ('x', '\n', '\u{1F600}', '"'), or a lifetime ('a) which has no closing quote.
      const literal = /^'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'/.exec(source.slice(i, i + 12))
      i += literal === null ? 1 : literal[0].length
    } else {
      i++
    }
  }
  return out
}

/** True when `r` at `i` opens a raw string: not inside an identifier, except as the `r` of `br"..."`. */
function startsToken(source: string, i: number): boolean {
  const before = source[i - 1]
  return !isIdentChar(before) || (before === 'b' && !isIdentChar(source[i - 2]))
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c)
}
