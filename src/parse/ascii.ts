// The bytes the line formats are made of, by name. Parsers compare bytes, never characters: a log
// line is read straight from the file's buffer, and every format here is ASCII where it matters.

export const TAB = 9
export const SP = 32
export const PERCENT = 37
export const LPAREN = 40
export const RPAREN = 41
export const PLUS = 43
export const MINUS = 45
export const DOT = 46
export const SLASH = 47
export const DIGIT_0 = 48
export const DIGIT_9 = 57
export const COLON = 58
export const LT = 60
export const EQ = 61
export const GT = 62
export const UPPER_Z = 90
export const LBRACKET = 91
export const BACKSLASH = 92
export const RBRACKET = 93
export const LOWER_A = 97
export const LOWER_F = 102
export const DEL = 127

/** True for the bytes of the hexadecimal digits, either case. */
export function isHexDigit(c: number): boolean {
  const l = c | 32
  return (c >= DIGIT_0 && c <= DIGIT_9) || (l >= LOWER_A && l <= LOWER_F)
}

/** Returns the value of a hexadecimal digit byte (either case), or -1. */
export function hexDigit(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0
  const l = c | 32
  return l >= LOWER_A && l <= LOWER_F ? l - LOWER_A + 10 : -1
}
