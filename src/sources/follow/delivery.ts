import type { Checkpoint } from './checkpoint.js'

/** Lines read from one input, handed to the consumer. */
export interface Delivery {
  /** The input's display name: the path given, `journalctl -k`, or `-`. */
  input: string
  /**
   * Whole lines, each ending in '\n' (a final line of a finished file gets one added). Empty when
   * the delivery only announces a new position (following starts, or moves to a new file), so that
   * the position can be saved before any line arrives. A single line longer than the read chunk
   * (1 MiB) comes in pieces; the line splitter drops it as too long.
   */
  bytes: Buffer
  /** Position just after these bytes; null for standard input and FIFOs, which cannot be resumed. */
  checkpoint: Checkpoint | null
  /** Modification time of the file read (ms), for syslog year inference; absent for other inputs. */
  mtime?: number
}

/** Takes one delivery; while its promise is pending, nothing more is read from that input. */
export type Consumer = (d: Delivery) => void | Promise<void>

/** Counts the lines (newlines) in a delivery's bytes. */
export function countLines(bytes: Buffer): number {
  let n = 0
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++
  return n
}
