import path from 'node:path'

// logrotate names: kern.log, kern.log.1, kern.log.2.gz … (higher number = older), or with `dateext`
// kern.log-20261101[.gz]. Whatever order the shell expands a glob in, a rotated set is read oldest
// first so that event time moves forward. Different logs keep the order they were given in.

const COMPRESSED = /\.(gz|xz|bz2|zst|z)$/i

interface RotationKey {
  group: string
  /** Sort rank inside the group: date-stamped (by date), then numbered (high first), then current. */
  tier: number
  order: number
}

function keyOf(file: string): RotationKey {
  const dir = path.dirname(file)
  const name = path.basename(file).replace(COMPRESSED, '')
  let m = /^(.*)\.(\d{1,4})$/.exec(name)
  if (m !== null) return { group: path.join(dir, m[1]!), tier: 1, order: -Number(m[2]) }
  m = /^(.*)-(\d{8}|\d{10})$/.exec(name)
  if (m !== null) return { group: path.join(dir, m[1]!), tier: 0, order: Number(m[2]) }
  return { group: path.join(dir, name), tier: 2, order: 0 }
}

/** Returns the files in reading order: each rotated set oldest first, sets in first-mention order. */
export function rotationOrder(files: readonly string[]): string[] {
  const groups = new Map<string, number>()
  const keyed = files.map((file, index) => {
    const key = keyOf(file)
    if (!groups.has(key.group)) groups.set(key.group, groups.size)
    return { file, key, index }
  })
  keyed.sort((a, b) => {
    const g = groups.get(a.key.group)! - groups.get(b.key.group)!
    if (g !== 0) return g
    if (a.key.tier !== b.key.tier) return a.key.tier - b.key.tier
    if (a.key.order !== b.key.order) return a.key.order - b.key.order
    return a.index - b.index
  })
  return keyed.map((k) => k.file)
}
