// "Did you mean": the known word closest to a mistyped one, by edit distance (Levenshtein), and only
// when it is close enough to be a typo rather than a different word.

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]!
}

/** Returns the candidate closest to `word` (ties: the first), or null when none is within max(2, ⌊length/3⌋) edits. */
export function nearest(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null
  let bestD = Infinity
  for (const c of candidates) {
    const d = distance(word, c)
    if (d < bestD) {
      bestD = d
      best = c
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null
}
