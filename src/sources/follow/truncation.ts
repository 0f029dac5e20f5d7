import type { FollowContext } from './input.js'
import { OpenFile } from './open-file.js'
import { describeError } from './problem.js'
import { rotatedSiblings } from './siblings.js'

// A followed file truncated in place: logrotate's copytruncate copied it to a rotated name first,
// so the lines not read yet are in that copy, found by the first bytes seen in the file (see
// OpenFile.copyOf). If the log was rotated again before the file was started anew (before the
// truncation was noticed, or while the copy was read), the copies made since hold what the file
// held in between: they are read whole, oldest first, before the file from its start. After that,
// a truncation changes the first bytes that the restart saw, and is noticed by them.

/** What reading after a truncation needs from the input: names, settings, and where bytes go. */
export interface TruncatedInput {
  /** The input's name, for messages. */
  name: string
  /** The followed path, whose rotated siblings are the copies. */
  path: string
  ctx: FollowContext
  /** Hands over bytes read from `file` (whole lines; empty to announce a position). */
  send(file: OpenFile, bytes: Buffer): Promise<void>
}

/**
 * After `file` was found truncated: reads the rest of it from its copy and the copies rotated
 * since, then starts `file` again at offset 0 and announces that position. Throws on read errors.
 */
export async function readAfterTruncation(file: OpenFile, input: TruncatedInput): Promise<void> {
  const { ctx, name } = input
  const copy = await locateCopy(file, input.path)
  if (copy === null) {
    ctx.log('warn', `${name}: truncated at offset ${file.offset} and no rotated copy holds more; reading it again from the start`)
    await file.rewind()
  } else {
    ctx.log('info', `${name}: truncated (copytruncate); reading the rest of ${copy.name} from offset ${file.offset} first`)
    try {
      await readCopy(copy, input)
      if (ctx.stopped()) return
      await file.rewind()
      const later = await copiesAfter(copy, file, input.path)
      if (later.length > 0) ctx.log('info', `${name}: rotated again since; reading ${later.join(', ')} first`)
      for (const next of later) {
        if (ctx.stopped()) return
        await readWhole(next, input)
      }
    } finally {
      await copy.close() // only now: while it is open, no new copy can be given its inode
    }
  }
  await input.send(file, Buffer.alloc(0))
}

/**
 * Returns the newest rotated copy of `file`, followed at `followed` and truncated since,
 * positioned at the offset `file` was read to; null when there is none.
 */
export async function locateCopy(file: OpenFile, followed: string): Promise<OpenFile | null> {
  for (const name of await rotatedSiblings(followed)) {
    const f = await OpenFile.open(name).catch(() => null)
    if (f === null) continue
    if (f.copyOf(file)) {
      f.seek(file.offset)
      return f
    }
    await f.close()
  }
  return null
}

/**
 * Returns the rotated siblings of `followed` newer than `copy` (found by device and inode), oldest
 * first, leaving out a copy of what `current` holds now; [] when `copy` is no longer among them.
 */
export async function copiesAfter(copy: { dev: number; ino: number }, current: OpenFile, followed: string): Promise<string[]> {
  const newer: string[] = []
  for (const name of await rotatedSiblings(followed)) {
    const f = await OpenFile.open(name).catch(() => null)
    if (f === null) continue
    const found = f.is(copy)
    const same = f.copyOf(current)
    await f.close()
    if (found) return newer.reverse()
    if (!same) newer.push(name)
  }
  return []
}

/** Reads a copy to its end, a last line without a newline included. */
async function readCopy(copy: OpenFile, input: TruncatedInput): Promise<void> {
  await copy.finish(input.ctx.chunkBytes, (b) => input.send(copy, b), () => input.ctx.stopped())
}

/** Opens a later copy and reads it whole; one that cannot be opened is logged and skipped. */
async function readWhole(name: string, input: TruncatedInput): Promise<void> {
  let copy: OpenFile
  try {
    copy = await OpenFile.open(name)
  } catch (err) {
    input.ctx.log('warn', `${input.name}: ${describeError(err)}; the lines in ${name} are not read`)
    return
  }
  try {
    await readCopy(copy, input)
  } finally {
    await copy.close()
  }
}
