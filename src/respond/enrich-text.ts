// What we keep of a whois answer or a PTR name. Both are attacker-influenced: whoever holds the
// address block writes its whois record and its reverse zone. Kept text is capped and stripped of
// terminal escape sequences and control characters at capture, so no report (JSON piped to a
// terminal included) carries them. Unlike psad's ENABLE_WHOIS_FORCE_ASCII, which turns every byte
// outside 0x20-0x7e into "NA", non-ASCII stays as UTF-8: registrant names in Cyrillic or CJK are
// legitimate, and only controls can do harm.

/** Longest whois text kept, in characters; the rest is cut with a note saying how much. */
export const MAX_WHOIS_CHARS = 16_384
const MAX_NAME = 253
const MAX_NOTE = 200

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST) and two-character escapes, removed whole so no
// "[31m" residue is left; then any other C0 (but tab and newline), DEL, C1, and the Unicode
// format characters that reorder or hide text (as in report/sanitize.ts).
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~]?)/g
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

function stripControls(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '')
}

function expandTabs(line: string): string {
  if (!line.includes('\t')) return line
  let out = ''
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch
  return out
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const end = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max // never split a surrogate pair
  return text.slice(0, end)
}

/** Returns whois text fit to keep: LF line ends, tabs expanded, controls removed, blank runs collapsed, capped. */
export function cleanWhois(raw: string, max = MAX_WHOIS_CHARS): string {
  // Bound the work on a huge answer before the regexes run; the cap below is what counts.
  const bounded = cut(raw, max * 4)
  const lines = stripControls(bounded.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((l) => expandTabs(l).trimEnd())
  const text = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()
  if (text.length <= max) return text
  const kept = cut(text, max)
  return `${kept}\n[portsleuth: whois answer cut at ${max} characters, ${raw.length - kept.length} more not kept]`
}

/** Returns a PTR name fit to show (controls removed, trailing dot dropped, capped), or null if nothing is left. */
export function cleanName(name: string): string | null {
  const n = cut(stripControls(name).trim().replace(/\.$/, ''), MAX_NAME)
  return n === '' ? null : n
}

/** Returns an error message fit for a finding: one line, no controls, capped. */
export function cleanNote(message: string): string {
  return cut(stripControls(message).replace(/\s+/g, ' ').trim(), MAX_NOTE)
}
