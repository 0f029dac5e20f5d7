import { open } from 'node:fs/promises'
import { at, ConfigError } from '../core/errors.js'
import { systemReason } from '../core/system-error.js'

// Reading the files a configuration names. Each is read with a cap, never by asking its size first
// (/dev/zero and pipes have size 0): a configuration, signature, auto_dl, Snort rules or OS file is
// at most 16 MiB, a reputation list at most 256 MiB (FireHOL's largest sets are ~20 MiB).
//
// A mistyped path can name any file (`AUTO_DL_FILE /etc/shadow`), and its text must not end up in an
// error message. So a file is quoted only once it looks like what it was said to be: its first line
// that is not blank or a comment has the format's shape. Otherwise the error names the line and
// what was expected, and shows nothing of it. Quotes are short, control characters escaped (excerpt.ts).

const MIB = 1024 * 1024

/** Largest configuration, signature, auto_dl, snort_rule_dl, Snort rules or OS fingerprint file read. */
export const CONFIG_FILE_CAP = 16 * MIB

/** Largest reputation list read. */
export const REPUTATION_LIST_CAP = 256 * MIB

/** What the first meaningful line of a file of some format looks like. */
export interface Shape {
  /** Tested against the trimmed line. */
  test: RegExp
  /** What a line is, for "line 3 is not <kind>": 'an auto_dl entry'. */
  kind: string
  /** The expected form, quoted in the message. */
  expected: string
}

const READ = 1 << 20

/** Reads at most `cap` bytes; returns null when the file holds more. Throws the system's error. */
async function readCapped(file: string, cap: number): Promise<Buffer | null> {
  const fh = await open(file, 'r')
  try {
    const parts: Buffer[] = []
    let total = 0
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(READ, cap + 1 - total))
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) return Buffer.concat(parts, total)
      parts.push(buf.subarray(0, bytesRead))
      total += bytesRead
      if (total > cap) return null
    }
  } finally {
    await fh.close()
  }
}

// The first line that is neither blank nor a comment, with its number; null when there is none.
function firstMeaningful(text: string): { line: number; text: string } | null {
  let start = 0
  for (let n = 1; start <= text.length; n++) {
    const nl = text.indexOf('\n', start)
    const line = text.slice(start, nl < 0 ? text.length : nl).trim()
    if (line !== '' && !line.startsWith('#')) return { line: n, text: line }
    if (nl < 0) return null
    start = nl + 1
  }
  return null
}

/**
 * Returns the UTF-8 text of a file the configuration names (`what`, e.g. "auto_dl file"). Throws
 * ConfigError (exit 3) when it cannot be read (the system's reason), holds more than `cap` bytes, or
 * does not have the format's `shape` (without quoting it).
 */
export async function readConfigText(file: string, what: string, opts: { cap?: number; shape?: Shape } = {}): Promise<string> {
  const cap = opts.cap ?? CONFIG_FILE_CAP
  let bytes: Buffer | null
  try {
    bytes = await readCapped(file, cap)
  } catch (err) {
    throw new ConfigError(`cannot read ${what} ${file}: ${systemReason(err)}`)
  }
  if (bytes === null) {
    throw new ConfigError(`${what} ${file} holds more than ${cap / MIB} MiB, the most portsleuth reads of such a file`, 'is this the file you meant?')
  }
  const text = bytes.toString('utf8')
  const shape = opts.shape
  const first = shape === undefined ? null : firstMeaningful(text)
  if (shape !== undefined && first !== null && !shape.test.test(first.text)) {
    throw new ConfigError(at(file, first.line, `not ${shape.kind} (expected ${shape.expected}); the file is not quoted: it does not look like the ${what} it was named as`))
  }
  return text
}
