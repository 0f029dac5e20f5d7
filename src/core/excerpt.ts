// Text from a file or a log quoted in a message. The file may not be what it was said to be (a
// mistyped path, /etc/shadow), and log text is attacker-controlled: a quote is short, and control
// characters and Unicode direction overrides are shown as escapes, so a message can neither repaint
// the terminal nor carry a whole line of somebody else's file.

// The one escaper of the project: messages, terminal reports, alerts and CSV cells all go through it.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g
// The same without TAB, LF and CR, for formats that quote those themselves (CSV).
const UNSAFE_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

const escape = (ch: string): string => {
  const code = ch.codePointAt(0)!
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
}

/** Returns `text` with every control or direction character shown as `\xNN` / `\u{NNNN}`. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape)
}

/** printable, except that TAB, LF and CR stay: for a format that quotes them (a CSV cell). */
export function printableKeepingWhitespace(text: string): string {
  return text.replace(UNSAFE_BUT_WHITESPACE, escape)
}

/** Returns at most `max` characters of `text` (… when cut), printable; for quoting in messages. */
export function excerpt(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return printable(cut)
}
