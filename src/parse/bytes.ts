// Small helpers for parsing ASCII text straight from a line's bytes.

/** Returns the decimal number in b[start,end), or -1 when it is empty, not all digits, or longer than 10 digits. */
export function decimal(b: Uint8Array, start: number, end: number): number {
  if (start >= end || end - start > 10) return -1
  let v = 0
  for (let i = start; i < end; i++) {
    const c = b[i]! - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v <= 0x7fffffff ? v | 0 : v
}

/** Returns the value of exactly `n` decimal digits at i, or -1. */
export function digitsAt(b: Uint8Array, i: number, n: number): number {
  let v = 0
  for (let k = 0; k < n; k++) {
    const c = b[i + k]! - 48
    if (!(c >= 0 && c <= 9)) return -1
    v = v * 10 + c
  }
  return v
}

/** True when b at i holds the ASCII text `word`. */
export function bytesAre(b: Uint8Array, i: number, word: string): boolean {
  if (i + word.length > b.length) return false
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return false
  return true
}

/** True when b at i holds the bytes of `word`. */
export function bytesEqual(b: Uint8Array, i: number, word: Uint8Array): boolean {
  if (i + word.length > b.length) return false
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return false
  return true
}

/** Returns the index of the first `byte` in b[from,end), or -1. */
export function indexOfByte(b: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === byte) return i
  return -1
}

/** Returns the index of `word` in b[from,end), or -1. */
export function indexOfText(b: Uint8Array, word: string, from: number, end: number): number {
  const first = word.charCodeAt(0)
  const last = end - word.length
  for (let i = from; i <= last; i++) if (b[i] === first && bytesAre(b, i, word)) return i
  return -1
}

/** Decodes b[start,end) as UTF-8 (invalid bytes become U+FFFD). */
export function utf8(b: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.utf8Slice.call(b, start, end) as string
}

/** Decodes b[start,end) byte for byte (for fields that are ASCII by construction). */
export function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.latin1Slice.call(b, start, end) as string
}

/** FNV-1a of b[start,end), as a signed 32-bit number (for slot tables, not for anything stored). */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
  return h
}

/**
 * Remembers byte strings it decoded: syslog hosts, tags, log prefixes and interface names repeat on
 * almost every line, so most lookups cost a hash and a short byte comparison instead of a new string.
 * A direct-mapped table (slot by a hash of the bytes): a central log server interleaving lines of a
 * dozen hosts still hits, where a short list of recent values would keep missing. Its size is fixed,
 * so hostile logs with endless distinct values only cost the strings they would have cost anyway.
 */
export class RecentText {
  private readonly keys: (Uint8Array | undefined)[]
  private readonly texts: string[]
  private readonly mask: number

  /** `slots` is rounded up to a power of two. */
  constructor(
    slots: number,
    private readonly decode: (b: Uint8Array, start: number, end: number) => string,
  ) {
    let size = 1
    while (size < slots) size *= 2
    this.mask = size - 1
    this.keys = new Array<Uint8Array | undefined>(size).fill(undefined)
    this.texts = new Array<string>(size).fill('')
  }

  /** Returns the text of b[start,end), decoded once per distinct value while it keeps its slot. */
  get(b: Uint8Array, start: number, end: number): string {
    const n = end - start
    if (n === 0) return ''
    const h = hashBytes(b, start, end)
    const slot = (h ^ (h >>> 15)) & this.mask
    const key = this.keys[slot]
    if (key !== undefined && key.length === n) {
      let i = 0
      while (i < n && key[i] === b[start + i]) i++
      if (i === n) return this.texts[slot]!
    }
    const text = this.decode(b, start, end)
    this.keys[slot] = Uint8Array.prototype.slice.call(b, start, end) // a copy: never pin the chunk
    this.texts[slot] = text
    return text
  }
}
