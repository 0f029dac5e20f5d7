import ipaddr from 'ipaddr.js'
import { TargetError } from '../../core/errors.js'

// Every address that reaches a firewall command line comes from here: parsed by ipaddr.js, masked to
// its prefix and written back in one canonical form (`1.2.3.4/32`, `2001:db8::/64`). The text a log
// or a user gave is never passed on, so `1.2.3.4; rm -rf /` or `-j ACCEPT` cannot become an argument.

/** 4 = IPv4, 6 = IPv6. */
export type Family = 4 | 6

declare const parsed: unique symbol

/** A validated block target: a network with its host bits clear. Only this module creates one. */
export interface Target {
  readonly family: Family
  /** The network address, canonical (`1.2.3.0`, `2001:db8::`; RFC 5952 for IPv6). */
  readonly address: string
  readonly prefix: number
  /** `address/prefix`, the prefix always written: the only form that reaches a command line. */
  readonly cidr: string
  /** The network address as 4 or 16 bytes. */
  readonly bytes: readonly number[]
  readonly [parsed]: true
}

// The longest valid text is an IPv4-mapped IPv6 address in full form with a prefix (50 characters);
// anything longer is refused before a parser sees it.
const MAX_TEXT = 64
const SHAPE = /^[0-9a-fA-F:.]+(?:\/[0-9.]+)?$/

function show(text: string): string {
  return JSON.stringify(text.length > 48 ? `${text.slice(0, 48)}…` : text)
}

function refuse(text: string, what: string, why: string, hint?: string): never {
  throw new TargetError(`invalid ${what} ${show(text)}: ${why}`, hint)
}

function masked(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = prefix - i * 8
    return bits >= 8 ? b : bits <= 0 ? 0 : b & (0xff << (8 - bits)) & 0xff
  })
}

/** Returns the Target for a network given as bytes and a prefix (host bits are cleared). */
export function targetFromBytes(bytes: readonly number[], prefix: number): Target {
  const family: Family = bytes.length === 4 ? 4 : 6
  const net = masked(bytes, prefix)
  const address = family === 4 ? net.join('.') : (ipaddr.fromByteArray(net) as ipaddr.IPv6).toRFC5952String()
  return { family, address, prefix, cidr: `${address}/${prefix}`, bytes: net } as unknown as Target
}

function prefixOf(text: string, lenText: string | undefined, max: number, what: string): number {
  if (lenText === undefined) return max
  if (/^\d{1,3}$/.test(lenText)) {
    const n = Number(lenText)
    if (n > max) refuse(text, what, `prefix length ${n} is above ${max} for IPv${max === 32 ? 4 : 6}`)
    return n
  }
  if (max === 32 && ipaddr.IPv4.isValidFourPartDecimal(lenText)) {
    const n = ipaddr.IPv4.parse(lenText).prefixLengthFromSubnetMask()
    if (n !== null) return n
    refuse(text, what, `netmask ${lenText} is not contiguous`)
  }
  return refuse(text, what, `prefix ${show(lenText)} is not a length (0-${max})${max === 32 ? ' or a netmask' : ''}`)
}

/**
 * Parses an IPv4/IPv6 address or network (`1.2.3.4`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`,
 * `2001:db8::/64`) into a Target with host bits cleared; an IPv4-mapped IPv6 address becomes IPv4.
 * Throws TargetError for anything else: zone ids, octal- or hex-looking IPv4, out-of-range prefixes,
 * whitespace, option-like or oversized text.
 */
export function parseTarget(text: string, what = 'block target'): Target {
  if (typeof text !== 'string' || text.length === 0) refuse(String(text), what, 'empty')
  if (text.length > MAX_TEXT) refuse(text, what, `${text.length} characters is too long for an address or network`)
  if (text.includes('%')) refuse(text, what, 'zone ids (%…) are not allowed', 'a firewall rule cannot name an interface scope; write the address without %zone')
  if (!SHAPE.test(text)) refuse(text, what, 'expected an IPv4/IPv6 address or network (1.2.3.4, 10.0.0.0/8, 2001:db8::/64)')
  const [addrText, lenText, extra] = text.split('/')
  if (extra !== undefined || addrText === undefined) refuse(text, what, 'more than one /')
  if (addrText.includes(':')) {
    if (!ipaddr.IPv6.isValid(addrText)) refuse(text, what, 'not a valid IPv6 address')
    const addr = ipaddr.IPv6.parse(addrText)
    const prefix = prefixOf(text, lenText, 128, what)
    if (addr.isIPv4MappedAddress()) {
      if (prefix < 96) refuse(text, what, `an IPv4-mapped network needs a prefix of 96 or more, not ${prefix}`)
      return targetFromBytes(addr.toIPv4Address().toByteArray(), prefix - 96)
    }
    return targetFromBytes(addr.toByteArray(), prefix)
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(addrText)) {
    const hint = /(^|\.)0\d/.test(addrText) ? 'leading zeros are refused: some tools read 010 as octal 8, others as decimal 10' : undefined
    refuse(text, what, 'not a dotted-decimal IPv4 address', hint)
  }
  return targetFromBytes(ipaddr.IPv4.parse(addrText).toByteArray(), prefixOf(text, lenText, 32, what))
}

/** Parses a single address (no prefix) into a host Target (/32 or /128); throws TargetError otherwise. */
export function parseAddress(text: string, what = 'address'): Target {
  const t = parseTarget(text, what)
  if (text.includes('/') && t.prefix !== (t.family === 4 ? 32 : 128)) refuse(text, what, 'expected one address, not a network')
  return t
}

/** Returns the network of `prefix` bits around the target (never narrower than the target itself). */
export function widen(t: Target, prefix: number): Target {
  return prefix >= t.prefix ? t : targetFromBytes(t.bytes, prefix)
}

/** True when `outer` contains all of `inner` (same family). */
export function contains(outer: Target, inner: Target): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false
  const a = masked(inner.bytes, outer.prefix)
  return a.every((b, i) => b === outer.bytes[i])
}

/** True when two targets share at least one address. */
export function overlaps(a: Target, b: Target): boolean {
  return contains(a, b) || contains(b, a)
}
