/**
 * @module @vectora/helmet/suggest — "did you mean": the known name closest to a misspelt option or directive, for
 * error messages. (vectora has the same helper internally; it is not part of its public API.)
 */

/**
 * The candidate closest to `name` (ignoring case) within an edit distance of 2, or undefined.
 *
 * @example
 * closestName('scirpt-src', ['script-src', 'style-src']) // 'script-src'
 * closestName('x', ['script-src']) // undefined
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase()
  let best: string | undefined
  let bestScore = 3
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase())
    if (score < bestScore) {
      best = candidate
      bestScore = score
    }
  }
  return best
}

/** Levenshtein distance, capped: anything past 2 is 3 (names are short: a two-row table). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return Math.min(prev[b.length]!, 3)
}
