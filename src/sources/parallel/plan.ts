import { open } from 'node:fs/promises'
import type { Input } from '../inputs.js'

// Work for parsing threads: each input file becomes one unit, except large plain files, which are cut
// into byte ranges that start right after a newline, so every line lands in exactly one range. The
// ranges are small and dealt to the threads in turn: the engine consumes units in order, so with
// small units every thread is working on one of the next few the engine needs.
// Units keep input order; the engine consumes them in that order, so a parallel run sees the same
// packet sequence as a serial one.

export interface WorkUnit {
  /** Index of the input this unit belongs to. */
  input: number
  path: string
  start: number
  /** Exclusive end offset; Infinity = to the end of the file (also for gzip, which is never split). */
  end: number
}

const UNIT_BYTES = 8 * 1024 * 1024

async function nextLineStart(fh: Awaited<ReturnType<typeof open>>, offset: number, size: number): Promise<number> {
  const buf = Buffer.alloc(64 * 1024)
  let pos = offset
  while (pos < size) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos)
    if (bytesRead === 0) break
    const nl = buf.subarray(0, bytesRead).indexOf(10)
    if (nl >= 0) return pos + nl + 1
    pos += bytesRead
  }
  return size
}

/**
 * Splits file inputs into units for `parts` threads. Returns null when an input is not a regular file
 * (stdin, the journal) — those are read on the main thread. Throws nothing: unreadable files become a
 * single unit whose worker reports the error, as the serial path would.
 */
export async function planUnits(inputs: readonly Input[], parts: number): Promise<WorkUnit[] | null> {
  const units: WorkUnit[] = []
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!
    if (input.kind !== 'file') return null
    let fh
    try {
      fh = await open(input.path, 'r')
    } catch {
      units.push({ input: i, path: input.path, start: 0, end: Infinity })
      continue
    }
    try {
      const { size } = await fh.stat()
      const head = Buffer.alloc(2)
      await fh.read(head, 0, 2, 0)
      const gzip = head[0] === 0x1f && head[1] === 0x8b
      if (gzip || size < 2 * UNIT_BYTES || parts < 2) {
        units.push({ input: i, path: input.path, start: 0, end: Infinity })
        continue
      }
      let start = 0
      while (start < size) {
        const end = start + UNIT_BYTES >= size ? Infinity : await nextLineStart(fh, start + UNIT_BYTES, size)
        units.push({ input: i, path: input.path, start, end })
        if (end === Infinity || end >= size) break
        start = end
      }
    } finally {
      await fh.close()
    }
  }
  return units
}
