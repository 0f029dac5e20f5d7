import type { FileCheckpoint } from './checkpoint.js'
import { OpenFile } from './open-file.js'
import { rotatedSiblings } from './siblings.js'

// Finding the file a checkpoint names after a restart: the file at the path if it still is that
// file, else a rotated sibling (renamed: same device and inode; copied: same first bytes). A match
// by device and inode with the same first bytes beats a match by first bytes alone; at offset 0
// the first bytes say nothing, so only device and inode count. (A file truncated while followed:
// truncation.ts.)

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

function rank(file: OpenFile, cp: FileCheckpoint): number {
  if (!file.holds(cp)) return 0
  if (file.is(cp)) return 2
  return cp.offset > 0 ? 1 : 0
}

/** The file a checkpoint names, found again. */
export interface Located {
  /** Positioned at the checkpoint's offset. */
  file: OpenFile
  /** Rotated siblings newer than it (to read next, from their start), oldest first; [] when it is the file at the path. */
  newer: string[]
}

/**
 * Returns the file holding what `cp` covers: the file at the path, else a rotated sibling; null when
 * none is found. Throws when the path itself exists but cannot be opened.
 */
export async function locate(cp: FileCheckpoint): Promise<Located | null> {
  let here: OpenFile | null = null
  try {
    here = await OpenFile.open(cp.path)
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err
  }
  let best = here
  let bestRank = here === null ? 0 : rank(here, cp)
  let newer: string[] = []
  if (bestRank < 2) {
    const siblings = await rotatedSiblings(cp.path)
    for (const [i, name] of siblings.entries()) {
      const f = await OpenFile.open(name).catch(() => null)
      if (f === null) continue
      const r = rank(f, cp)
      if (r > bestRank) {
        if (best !== null) await best.close()
        best = f
        bestRank = r
        newer = siblings.slice(0, i).reverse()
        if (r === 2) break
      } else await f.close()
    }
  }
  if (best === null || bestRank === 0) {
    await best?.close()
    return null
  }
  best.seek(cp.offset)
  return { file: best, newer: best === here ? [] : newer }
}
