import ipaddr from 'ipaddr.js'

// The kernel prints IPv4 as a plain dotted quad and IPv6 in full 8×4-hex form (%pI6), so the hot
// path parses those by hand; anything else a log or a user supplies goes through ipaddr.js.

/** Returns the dotted quad in b[start,end) as an unsigned 32-bit number, or -1 when it is not one. */
export function parseIPv4Bytes(b: Uint8Array, start: number, end: number): number {
  let value = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48)
      if (++digits > 3 || octet > 255) return -1
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1
      value = value * 256 + octet
      octet = 0
      digits = 0
    } else return -1
  }
  return dots !== 3 || digits === 0 ? -1 : value * 256 + octet
}

const DIGITS_AND_DOTS = /^[0-9.]{7,15}$/

/** Returns the dotted quad in line[start,end) as an unsigned 32-bit number, or -1 when it is not one. */
export function parseIPv4(line: string, start: number, end: number): number {
  const text = line.slice(start, end)
  // Checked first: latin1 encoding would turn a character above U+00FF into an unrelated byte.
  return DIGITS_AND_DOTS.test(text) ? parseIPv4Bytes(Buffer.from(text, 'latin1'), 0, text.length) : -1
}

/** Returns the dotted-quad text of an unsigned 32-bit IPv4 number. */
export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

const v6Cache = new Map<string, string>()
const V6_CACHE_MAX = 65536

/**
 * Returns the RFC 5952 form (compressed, lower case) of an IPv6 address in any notation, or ''
 * when the text is not an IPv6 address. IPv4-mapped addresses keep their dotted tail.
 */
export function canonicalIPv6(text: string): string {
  const hit = v6Cache.get(text)
  if (hit !== undefined) return hit
  let result = ''
  if (text.length <= 45 && ipaddr.IPv6.isValid(text)) {
    const addr = ipaddr.IPv6.parse(text)
    // RFC 5952 §5: IPv4-mapped addresses keep their dotted-quad tail.
    result = addr.isIPv4MappedAddress() ? `::ffff:${addr.toIPv4Address().toString()}` : addr.toRFC5952String()
  }
  if (v6Cache.size >= V6_CACHE_MAX) v6Cache.clear()
  v6Cache.set(text, result)
  return result
}

const HEX_VALUE = new Int8Array(256).fill(-1)
for (let c = 0; c < 16; c++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(c)] = c
}
const words = new Uint16Array(8)

/**
 * canonicalIPv6 of the address in b[start,end). The kernel prints the full form (eight groups of
 * four hex digits, `2001:0db8:0000:…`), which is turned into RFC 5952 text here, without ipaddr.js
 * and without an intermediate string; any other notation goes through canonicalIPv6.
 */
export function canonicalIPv6Bytes(b: Uint8Array, start: number, end: number): string {
  if (end - start !== 39) return canonicalIPv6(Buffer.prototype.latin1Slice.call(b, start, end) as string)
  for (let g = 0; g < 8; g++) {
    const i = start + g * 5
    const d0 = HEX_VALUE[b[i]!]!
    const d1 = HEX_VALUE[b[i + 1]!]!
    const d2 = HEX_VALUE[b[i + 2]!]!
    const d3 = HEX_VALUE[b[i + 3]!]!
    if ((d0 | d1 | d2 | d3) < 0 || (g < 7 && b[i + 4] !== 58)) return canonicalIPv6(Buffer.prototype.latin1Slice.call(b, start, end) as string)
    words[g] = (d0 << 12) | (d1 << 8) | (d2 << 4) | d3
  }
  // RFC 5952 §5: IPv4-mapped addresses keep their dotted-quad tail.
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    return `::ffff:${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`
  }
  return compressIPv6(words)
}

/**
 * RFC 5952 §4 text of eight 16-bit groups: lower-case hex without leading zeros, and the longest run
 * of two or more zero groups (the first of equal ones) written `::`. No IPv4-mapped form (§5).
 */
export function compressIPv6(groups: ArrayLike<number>): string {
  let best = -1
  let bestLen = 1
  for (let g = 0; g < 8; ) {
    if (groups[g] !== 0) {
      g++
      continue
    }
    let e = g
    while (e < 8 && groups[e] === 0) e++
    if (e - g > bestLen) {
      best = g
      bestLen = e - g
    }
    g = e
  }
  const hex = Array.from({ length: 8 }, (_, g) => groups[g]!.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

/** Returns the canonical text of an IPv4 or IPv6 address, or '' when the text is neither. */
export function canonicalIP(text: string): string {
  const t = text.trim()
  if (t.includes(':')) return canonicalIPv6(t)
  const n = parseIPv4(t, 0, t.length)
  return n < 0 ? '' : formatIPv4(n)
}

/** An IPv4 or IPv6 network; IPv6 as four 32-bit words so containment is integer arithmetic. */
export interface Network {
  readonly v6: boolean
  readonly prefix: number
  /** IPv4: [address]; IPv6: four words. Already masked to the prefix. */
  readonly words: readonly number[]
  readonly text: string
}

function maskWord(word: number, bitsInWord: number): number {
  if (bitsInWord >= 32) return word >>> 0
  if (bitsInWord <= 0) return 0
  return (word & ~((1 << (32 - bitsInWord)) - 1)) >>> 0
}

function v6Words(addr: ipaddr.IPv6): number[] {
  const p = addr.parts
  return [0, 2, 4, 6].map((i) => ((p[i]! << 16) | p[i + 1]!) >>> 0)
}

/** Returns the four 32-bit words of a (canonical or full-form) IPv6 address, or null if invalid. */
export function ipv6Words(text: string): number[] | null {
  if (!ipaddr.IPv6.isValid(text)) return null
  return v6Words(ipaddr.IPv6.parse(text))
}

/**
 * Parses `1.2.3.4`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `2001:db8::/32` or a bare IPv6 address.
 * Returns null when the text is none of these.
 */
export function parseNetwork(text: string): Network | null {
  const t = text.trim()
  const slash = t.indexOf('/')
  const addrText = slash < 0 ? t : t.slice(0, slash)
  const lenText = slash < 0 ? '' : t.slice(slash + 1)
  if (slash >= 0 && lenText === '') return null
  if (addrText.includes(':')) {
    if (!ipaddr.IPv6.isValid(addrText)) return null
    const prefix = lenText === '' ? 128 : /^\d{1,3}$/.test(lenText) ? Number(lenText) : -1
    if (prefix < 0 || prefix > 128) return null
    const raw = v6Words(ipaddr.IPv6.parse(addrText))
    const words = raw.map((w, i) => maskWord(w, prefix - i * 32))
    // The network's own text, host bits cleared (`2001:db8::1/32` is `2001:db8::/32`), as for IPv4.
    const text = prefix === 128 ? canonicalIPv6(addrText) : `${compressIPv6(words.flatMap((w) => [w >>> 16, w & 0xffff]))}/${prefix}`
    return { v6: true, prefix, words, text }
  }
  const addr = parseIPv4(addrText, 0, addrText.length)
  if (addr < 0) return null
  let prefix = 32
  if (lenText !== '') {
    if (/^\d{1,2}$/.test(lenText)) prefix = Number(lenText)
    else {
      const mask = parseIPv4(lenText, 0, lenText.length)
      if (mask < 0) return null
      prefix = 0
      while (prefix < 32 && mask & (2 ** (31 - prefix))) prefix++
      if (maskWord(0xffffffff, prefix) !== mask) return null
    }
    if (prefix > 32) return null
  }
  const word = maskWord(addr, prefix)
  return { v6: false, prefix, words: [word], text: prefix === 32 ? formatIPv4(word) : `${formatIPv4(word)}/${prefix}` }
}

/** True when an IPv4 number lies in an IPv4 network. */
export function containsV4(net: Network, addr: number): boolean {
  return !net.v6 && maskWord(addr, net.prefix) === net.words[0]
}

/** True when IPv6 words lie in an IPv6 network. */
export function containsV6(net: Network, words: readonly number[]): boolean {
  if (!net.v6) return false
  for (let i = 0; i < 4; i++) {
    const bits = net.prefix - i * 32
    if (bits <= 0) return true
    if (maskWord(words[i]!, bits) !== net.words[i]) return false
  }
  return true
}

const wordsCache = new Map<string, number[] | null>()

/** True when the canonical address text (IPv4 or IPv6) lies in the network. */
export function containsAddress(net: Network, text: string, v4num: number): boolean {
  if (!net.v6) return v4num >= 0 && containsV4(net, v4num)
  let words = wordsCache.get(text)
  if (words === undefined) {
    words = text.includes(':') ? ipv6Words(text) : null
    if (wordsCache.size >= V6_CACHE_MAX) wordsCache.clear()
    wordsCache.set(text, words)
  }
  return words !== null && containsV6(net, words)
}
