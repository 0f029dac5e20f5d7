import { readdir } from 'node:fs/promises'
import path from 'node:path'

// Where logrotate leaves a file it rotated, in the same directory: `kern.log.1` (numbered) or
// `kern.log-20261101` (dateext, 8 or 10 digits). Compressed ones (.gz …) are history that
// `analyze` reads; they are not followed, since their bytes are no longer the file's bytes.

const NUMBERED = /^\.(\d{1,4})$/
const DATED = /^-(\d{8}|\d{10})$/

/** Returns the uncompressed rotated siblings of `file`, newest first; [] when the directory is unreadable. */
export async function rotatedSiblings(file: string): Promise<string[]> {
  const dir = path.dirname(file)
  const base = path.basename(file)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const dated: { name: string; key: string }[] = []
  const numbered: { name: string; key: number }[] = []
  for (const name of names) {
    if (!name.startsWith(base)) continue
    const rest = name.slice(base.length)
    const n = NUMBERED.exec(rest)
    if (n !== null) numbered.push({ name, key: Number(n[1]) })
    const d = DATED.exec(rest)
    if (d !== null) dated.push({ name, key: d[1]!.padEnd(10, '0') })
  }
  dated.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
  numbered.sort((a, b) => a.key - b.key)
  return [...dated, ...numbered].map((s) => path.join(dir, s.name))
}
