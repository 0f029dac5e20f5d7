import { EQ, LBRACKET, LPAREN, RBRACKET, RPAREN, SP } from './ascii.js'
import { Key } from './body-keys.js'

// The token walk over a netfilter body, in steps that the parser and the line router both take (they
// must agree on where a line's SRC= is). Tokens are separated by spaces: `KEY=value`, a bare word
// (SYN, DF, FRAG:n…), or `OPT ( … )`; a `[ … ]` (an ICMP error's quoted packet, INCOMPLETE's
// `[n bytes]`) is stepped over whole, nested brackets included, so its SRC= is never the line's.
//
//   while (i < end) {
//     a space: i++; a '[': i = afterBracket(b, i, end)
//     otherwise j = keyEnd(b, i, end): KEY=value when isPair(b, j, end), else a word, and
//     i = valueEnd(b, j + 1, end, code), groupEnd(b, j, end) + 1 for OPT ( … ), or j
//   }
//
// Steps, not a cursor object: the walk's positions stay in the callers' locals. A cursor holding
// them in fields, or a step function that skips the spaces, made the parser up to 45% slower on the
// bench corpus (200k lines, CPU time of the parse alone).

/** Returns where the key (or bare word) starting at i ends: its `=`, a space, or `end`. */
export function keyEnd(b: Uint8Array, i: number, end: number): number {
  let j = i + 1
  while (j < end && b[j] !== EQ && b[j] !== SP) j++
  return j
}

/** True when the token whose key ends at j is a KEY=value pair. */
export function isPair(b: Uint8Array, j: number, end: number): boolean {
  return j < end && b[j] === EQ
}

/** An Ethernet `MAC=` value (dst:src:type, 14 bytes) is 41 characters. */
const ETHERNET_MAC_TEXT = 41

/** Returns where the value of `key` starting at v ends (the space after it, or `end`). */
export function valueEnd(b: Uint8Array, v: number, end: number, key: Key): number {
  if (key === Key.MAC) return macValueEnd(b, v, end)
  while (v < end && b[v] !== SP) v++
  return v
}

// Skip, don't scan: an Ethernet MAC value is 41 characters, so its end is looked at directly (other
// link types have other lengths and are scanned for). Every line of an Ethernet firewall has one.
// An empty value (`MAC= `: tun, WireGuard, links without a header) is no Ethernet MAC, whatever
// lies 41 bytes on: the tokens after it may well put a space there.
function macValueEnd(b: Uint8Array, v: number, end: number): number {
  const e = v + ETHERNET_MAC_TEXT
  if (b[v] !== SP && (e === end || (e < end && b[e] === SP))) return e
  while (v < end && b[v] !== SP) v++
  return v
}

/**
 * For the `OPT` word ending at j: returns the index of the `)` that closes its `( … )` (the opening
 * parenthesis may come after spaces), or -1 when there is no `(` or it never closes.
 */
export function groupEnd(b: Uint8Array, j: number, end: number): number {
  while (j < end && b[j] === SP) j++
  if (j >= end || b[j] !== LPAREN) return -1
  j++
  while (j < end && b[j] !== RPAREN) j++
  return j < end ? j : -1
}

/** Returns the index after the `]` that closes the bracket opening at i (nested ones count), or -1. */
export function afterBracket(b: Uint8Array, i: number, end: number): number {
  let depth = 0
  for (let j = i; j < end; j++) {
    const d = b[j]
    if (d === LBRACKET) depth++
    else if (d === RBRACKET && --depth === 0) return j + 1
  }
  return -1
}
