// Log fields are attacker-controlled. Before any of them reaches a terminal, control characters
// (C0, DEL, C1) and Unicode bidi/format controls that can reorder or hide text are shown as escapes.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

/** Returns text safe for a terminal: every control character replaced by a visible `\xNN`/`\u{N}` escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.codePointAt(0)!
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
  })
}
