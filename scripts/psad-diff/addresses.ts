import { readFileSync } from 'node:fs'
import { canonicalIP as canonical } from '../../src/parse/address.js'

// psad prints IPv6 in the kernel's full form (plus an upper-case compressed form in parentheses);
// portsleuth prints RFC 5952. Both sides are compared in RFC 5952.

/** Returns the RFC 5952 / dotted-quad form of an address, or the text unchanged when it is neither. */
export function canonicalIP(text: string): string {
  const c = canonical(text)
  return c === '' ? text.trim() : c
}

/**
 * Reads psad's icmp_types / icmp6_types file into "type text → type number" (psad names an invalid
 * code by its type's text only). A type line starts in column 0; indented lines are codes. Returns an
 * empty map when the file cannot be read.
 */
export function psadIcmpTypeNumbers(file: string): Map<string, number> {
  const out = new Map<string, number>()
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return out
  }
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(.*\S)\s*$/.exec(line)
    if (m !== null && !out.has(m[2]!)) out.set(m[2]!, Number(m[1]))
  }
  return out
}
