// journalctl -o json prints one JSON object per record. Each becomes one line in the layout the
// syslog header parser reads for `journalctl -o short-iso-precise`:
//   2026-11-22T07:15:55.865612+00:00 fw kernel: IN=eth0 OUT= …
// __REALTIME_TIMESTAMP is microseconds since the epoch, as a decimal string. MESSAGE is a string, or
// an array of byte values when it is not valid UTF-8; its bytes are kept as they are. A newline or
// carriage return inside MESSAGE is written as `\n` / `\r`, so that one record stays one line
// (with one counter and one cursor); kernel netfilter messages never contain one.

/** One journal record as a log line (ending in '\n'), and the cursor that resumes after it. */
export interface JournalLine {
  bytes: Buffer
  cursor: string | null
}

const NL = 10
const CR = 13
const BACKSLASH = 92
const DIGITS = /^\d{1,16}$/

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** Returns `usec` (µs since the epoch) as RFC 3339 UTC text with microseconds. */
export function isoMicros(usec: number): string {
  const ms = Math.floor(usec / 1000)
  const d = new Date(ms)
  const micros = String(usec % 1_000_000).padStart(6, '0')
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}+00:00`
}

function messageBytes(m: unknown): Buffer | null {
  if (typeof m === 'string') return Buffer.from(m, 'utf8')
  if (!Array.isArray(m)) return null
  for (const b of m) if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return null
  return Buffer.from(m as number[])
}

function escapeBreaks(b: Buffer): Buffer {
  if (b.indexOf(NL) < 0 && b.indexOf(CR) < 0) return b
  const out: number[] = []
  for (const c of b) {
    if (c === NL || c === CR) out.push(BACKSLASH, c === NL ? 0x6e : 0x72)
    else out.push(c)
  }
  return Buffer.from(out)
}

/** Returns the line for one parsed journal record, or why the record cannot be used. */
export function journalLine(record: unknown): JournalLine | string {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return 'not a JSON object'
  const r = record as Record<string, unknown>
  const ts = r.__REALTIME_TIMESTAMP
  if (typeof ts !== 'string' || !DIGITS.test(ts) || !Number.isSafeInteger(Number(ts))) return 'no valid __REALTIME_TIMESTAMP'
  const message = messageBytes(r.MESSAGE)
  if (message === null) return r.MESSAGE === null ? 'MESSAGE too large for journalctl to print' : 'no valid MESSAGE'
  const rawHost = typeof r._HOSTNAME === 'string' ? r._HOSTNAME : ''
  // The header parser splits on spaces; a hostname never holds one, but the field is not ours.
  const host = rawHost.replace(/[^\x21-\x7e]/g, '_') || 'localhost'
  const head = Buffer.from(`${isoMicros(Number(ts))} ${host} kernel: `, 'latin1')
  const cursor = typeof r.__CURSOR === 'string' && r.__CURSOR !== '' ? r.__CURSOR : null
  return { bytes: Buffer.concat([head, escapeBreaks(message), Buffer.from('\n')]), cursor }
}

/** Where journalctl starts: after a cursor, at a time (epoch seconds), the start of this boot, or its end. */
export type JournalStart = { cursor: string } | { since: number } | 'boot' | 'end'

/**
 * Returns journalctl's arguments to follow kernel records as JSON from `start`. `-k` implies the
 * current boot; after a cursor the kernel transport is matched without it, so that records written
 * after the checkpoint but before a reboot are still read.
 */
export function journalArgs(start: JournalStart): string[] {
  const follow = ['--follow', '--output=json', '--quiet', '--no-pager']
  if (start === 'end') return ['--dmesg', '--lines=0', ...follow]
  if (start === 'boot') return ['--dmesg', '--no-tail', ...follow]
  if ('cursor' in start) return ['_TRANSPORT=kernel', '--no-tail', `--after-cursor=${start.cursor}`, ...follow]
  return ['--dmesg', '--no-tail', `--since=@${start.since}`, ...follow]
}
