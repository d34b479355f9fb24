/** @module base/suggest — "did you mean": the closest known name to a misspelt one, for error messages. */

/**
 * The candidate closest to `name`: the same ignoring case, a singular/plural of it (`user` -> `users`),
 * or within an edit distance of 2 (1 for names of 4 characters or fewer). Undefined when none is close.
 *
 * @example
 * closestName('user', ['users', 'db']) // 'users'
 * closestName('bodyLimt', ['bodyLimit', 'logger']) // 'bodyLimit'
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase()
  let best: string | undefined
  let bestScore = Infinity
  for (const candidate of candidates) {
    const c = candidate.toLowerCase()
    const score = c === lower ? 0 : c === `${lower}s` || `${c}s` === lower ? 1 : distance(lower, c) + 1
    if (score < bestScore) {
      best = candidate
      bestScore = score
    }
  }
  const limit = name.length <= 4 ? 2 : 3
  return bestScore <= limit ? best : undefined
}

/** " Did you mean "x"?" for a message, or '' when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const near = closestName(name, candidates)
  return near === undefined ? '' : ` Did you mean "${near}"?`
}

/** Levenshtein distance (names are short: a two-row table). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]!
}
