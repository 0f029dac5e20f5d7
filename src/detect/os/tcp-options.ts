// Decodes the TCP options blob that `--log-tcp-options` prints as `OPT (020405B4…)`.
// RFC 9293 §3.1: kind 0 ends the list (the rest is padding), kind 1 is a one-byte NOP, every other
// kind carries a length byte that counts the kind and length bytes themselves.

import { hashBytes } from '../../parse/bytes.js'

export const OPT_EOL = 0
export const OPT_NOP = 1
export const OPT_MSS = 2
export const OPT_WSCALE = 3
export const OPT_SACK_OK = 4
export const OPT_TIMESTAMP = 8

/** The fixed lengths of the options p0f names; a different length is a broken packet. */
const FIXED_LEN: Readonly<Record<number, number>> = { [OPT_MSS]: 4, [OPT_WSCALE]: 3, [OPT_SACK_OK]: 2, [OPT_TIMESTAMP]: 10 }

/** A TCP header holds at most 40 bytes of options. */
const MAX_OPTION_BYTES = 40

export interface TcpOption {
  kind: number
  /** MSS, window shift or TSval; -1 for options without a value. */
  value: number
}

export interface DecodedOptions {
  list: TcpOption[]
  /** The first MSS option's value, -1 when there is none. */
  mss: number
  /** The packet in pf.os notation with values (`M1460,S,T,N,W7`; `.` for none): the cache key. */
  canon: string
  /** Kinds only (`M,S,T,N,W`): the index key. */
  layout: string
}

// Hex digit values by char code; -1 for anything else.
const HEX = new Int8Array(128).fill(-1)
for (let c = 0; c < 16; c++) {
  HEX['0123456789abcdef'.charCodeAt(c)] = c
  HEX['0123456789ABCDEF'.charCodeAt(c)] = c
}

function hexDigit(c: number): number {
  return c < 128 ? HEX[c]! : -1
}

/** p0f's letter for an option kind (`?n` for kinds p0f does not name); values are not included. */
export function optionLetter(o: TcpOption): string {
  switch (o.kind) {
    case OPT_EOL: return 'E'
    case OPT_NOP: return 'N'
    case OPT_MSS: return 'M'
    case OPT_WSCALE: return 'W'
    case OPT_SACK_OK: return 'S'
    case OPT_TIMESTAMP: return 'T'
    default: return `?${o.kind}`
  }
}

function canonOf(o: TcpOption): string {
  switch (o.kind) {
    case OPT_MSS:
    case OPT_WSCALE: return `${optionLetter(o)}${o.value}`
    case OPT_TIMESTAMP: return o.value === 0 ? 'T0' : 'T'
    default: return optionLetter(o)
  }
}

export const NO_OPTIONS: DecodedOptions = Object.freeze({ list: [], mss: -1, canon: '.', layout: '.' }) as DecodedOptions

/**
 * Returns the options in a hex blob (spaces allowed), or null when the blob is not a valid option list:
 * odd or non-hex digits, more than 40 bytes, a length byte below 2 or past the end, or a known option
 * with the wrong length. Null means "cannot fingerprint"; the caller counts it.
 */
export function decodeTcpOptions(blob: string): DecodedOptions | null {
  // Scanners repeat one options blob for every SYN: decode each distinct blob once.
  const known = decoded.get(blob)
  if (known !== undefined) return known
  const result = decode(blob)
  if (decoded.size >= MAX_DECODED) decoded.clear()
  decoded.set(blob, result)
  return result
}

const decoded = new Map<string, DecodedOptions | null>()
const MAX_DECODED = 4096

// The hot path reads the blob straight from the line's bytes. Most SYNs carry a timestamp whose
// value changes with every packet, so blobs rarely repeat whole; what a fingerprint depends on does.
// The blob's bytes are decoded into `scratch`, the timestamp values are masked down to what decode()
// keeps of them (TSval zero or not; TSecr not at all), and the masked bytes find the result in a
// direct-mapped table. Blobs with equal masked bytes decode alike (their TSval differs only in value).
const SLOTS = 256
const slotKeys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined)
const slotResults: (DecodedOptions | null)[] = new Array<DecodedOptions | null>(SLOTS).fill(null)
const scratch = new Uint8Array(MAX_OPTION_BYTES)

/**
 * decodeTcpOptions for the hex blob in b[start,end) (as logged: spaces allowed), without making a
 * string for blobs seen before. A timestamp option's TSval in the result may be that of an earlier
 * blob equal in everything else and in whether TSval is zero.
 */
export function decodeTcpOptionsAt(b: Uint8Array, start: number, end: number): DecodedOptions | null {
  let n = 0
  let hi = -1
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if (c === 32) continue
    const d = hexDigit(c)
    if (d < 0 || n === MAX_OPTION_BYTES) return decodeTcpOptions(Buffer.prototype.latin1Slice.call(b, start, end) as string)
    if (hi < 0) hi = d
    else {
      scratch[n++] = (hi << 4) | d
      hi = -1
    }
  }
  if (hi >= 0) return decodeTcpOptions(Buffer.prototype.latin1Slice.call(b, start, end) as string)
  for (let i = 0; i < n; ) {
    const kind = scratch[i]!
    if (kind === OPT_EOL) break
    if (kind === OPT_NOP) {
      i++
      continue
    }
    const len = i + 1 < n ? scratch[i + 1]! : 0
    if (len < 2 || i + len > n) break
    if (kind === OPT_TIMESTAMP && len === 10) {
      const nonzero = scratch[i + 2]! | scratch[i + 3]! | scratch[i + 4]! | scratch[i + 5]!
      scratch.fill(0, i + 2, i + 10)
      if (nonzero !== 0) scratch[i + 5] = 1
    }
    i += len
  }
  const h = hashBytes(scratch, 0, n)
  const slot = (h ^ (h >>> 13)) & (SLOTS - 1)
  const key = slotKeys[slot]
  if (key !== undefined && key.length === n) {
    let i = 0
    while (i < n && key[i] === scratch[i]) i++
    if (i === n) return slotResults[slot]!
  }
  const result = decode(Buffer.prototype.latin1Slice.call(b, start, end) as string)
  slotKeys[slot] = scratch.slice(0, n)
  slotResults[slot] = result
  return result
}

function decode(blob: string): DecodedOptions | null {
  const hex = blob.indexOf(' ') >= 0 ? blob.replace(/ /g, '') : blob
  const n = hex.length
  if (n === 0) return NO_OPTIONS
  if ((n & 1) !== 0 || n > MAX_OPTION_BYTES * 2) return null
  // This runs for every SYN: bytes are decoded once into a small array, strings built by +=.
  const bytes = new Array<number>(n >> 1)
  for (let j = 0; j < n; j += 2) {
    const hi = hexDigit(hex.charCodeAt(j))
    const lo = hexDigit(hex.charCodeAt(j + 1))
    if (hi < 0 || lo < 0) return null
    bytes[j >> 1] = (hi << 4) | lo
  }
  const total = bytes.length
  const list: TcpOption[] = []
  let mss = -1
  let canon = ''
  let layout = ''
  let i = 0
  while (i < total) {
    const kind = bytes[i]!
    let value = -1
    let len = 1
    if (kind > OPT_NOP) {
      if (i + 1 >= total) return null
      len = bytes[i + 1]!
      if (len < 2 || i + len > total) return null
      const fixed = FIXED_LEN[kind]
      if (fixed !== undefined && len !== fixed) return null
      if (kind === OPT_MSS) {
        value = (bytes[i + 2]! << 8) | bytes[i + 3]!
        if (mss < 0) mss = value
      } else if (kind === OPT_WSCALE) value = bytes[i + 2]!
      else if (kind === OPT_TIMESTAMP) value = bytes[i + 2]! * 0x1000000 + ((bytes[i + 3]! << 16) | (bytes[i + 4]! << 8) | bytes[i + 5]!) // TSval only
    }
    const o = { kind, value }
    list.push(o)
    const sep = list.length > 1 ? ',' : ''
    canon += sep + canonOf(o)
    layout += sep + optionLetter(o)
    if (kind === OPT_EOL) break // what follows EOL is padding (RFC 9293)
    i += len
  }
  return { list, mss, canon, layout }
}
