import { printable } from '../../core/excerpt.js'

// Log fields are attacker-controlled: a log prefix or a signature message can carry a newline (a
// forged second syslog line), an ANSI escape (a rewritten terminal), `%s` or `$(...)`. Channels
// print them through these: one line with every control character shown as a visible escape, or
// JSON whose string escapes cover more than JSON.stringify's (it leaves DEL, C1 and the Unicode
// format characters raw). Neither ever treats the text as a format string or shell text.

/** Returns `text` as one line: controls (newlines included) as `\xNN` escapes, cut at `max` characters. */
export function oneLine(text: string, max = 1000): string {
  const safe = printable(text)
  return safe.length <= max ? safe : `${safe.slice(0, max - 3)}...`
}

const UNSAFE_IN_JSON = /[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

/** Returns the JSON of `value` on one line, with DEL, C1 and Unicode format characters `\uXXXX`-escaped too. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
