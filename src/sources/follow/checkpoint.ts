import { InputError } from '../../core/errors.js'

// A checkpoint says where an input was left, so that a restart reads every line once. A file is
// known by its identity (device, inode and a fingerprint of its first bytes), not by its name: after
// a rotation the same file has another name, and the name holds another file.

/** Where a followed file was left. */
export interface FileCheckpoint {
  kind: 'file'
  /** The followed path (absolute), not the name the file may have after a rotation. */
  path: string
  dev: number
  ino: number
  /** Hash of the file's first min(offset, 256) bytes; see fingerprint.ts. */
  fingerprint: string
  /** Byte offset just after the last line delivered. */
  offset: number
}

/** Where the journal was left: the cursor of the last record delivered. */
export interface JournalCheckpoint {
  kind: 'journal'
  cursor: string
}

/** A JSON-serialisable position in one input. */
export type Checkpoint = FileCheckpoint | JournalCheckpoint

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Returns `value` (parsed JSON) as a Checkpoint; throws InputError naming `where` when it is not one. */
export function checkpointFrom(value: unknown, where: string): Checkpoint {
  const v = value as Record<string, unknown> | null
  if (v !== null && typeof v === 'object') {
    if (v.kind === 'journal' && typeof v.cursor === 'string' && v.cursor !== '') return { kind: 'journal', cursor: v.cursor }
    if (v.kind === 'file' && typeof v.path === 'string' && v.path !== '' && isCount(v.dev) && isCount(v.ino) && isCount(v.offset) && typeof v.fingerprint === 'string' && /^[0-9a-f]{32}$/.test(v.fingerprint)) {
      return { kind: 'file', path: v.path, dev: v.dev, ino: v.ino, fingerprint: v.fingerprint, offset: v.offset }
    }
  }
  throw new InputError(`${where}: not a checkpoint: ${JSON.stringify(value)?.slice(0, 200)}`, 'delete the checkpoint file to start following from the end of each input')
}
