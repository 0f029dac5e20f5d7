import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'

// A file's fingerprint is a hash of its first min(offset, 256) bytes: only bytes already read, so a
// partial first line never changes it, and 256 bytes (a line or two of kernel log) tell two logs
// apart where a bare first line might not. At offset 0 it covers nothing and matches every file;
// a checkpoint at 0 is then told apart by device and inode alone.

/** How many leading bytes identify a file. */
export const FINGERPRINT_BYTES = 256

/** Returns the fingerprint of a file read up to `offset` whose first bytes are `head`. */
export function fingerprint(head: Buffer, offset: number): string {
  const n = Math.min(offset, FINGERPRINT_BYTES)
  if (head.length < n) throw new RangeError(`fingerprint needs ${n} leading bytes, got ${head.length}`)
  return createHash('sha256').update(head.subarray(0, n)).digest('hex').slice(0, 32)
}

/** Returns the first min(size, 256) bytes of an open file (fewer when it is shorter). */
export async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES)
  let got = 0
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return buf.subarray(0, got)
}
