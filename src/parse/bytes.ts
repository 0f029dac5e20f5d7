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

/**
 * Remembers the last few byte strings it decoded: syslog hosts, log prefixes and interface names
 * repeat on almost every line, so most lookups cost a short byte comparison instead of a new string.
 */
export class RecentText {
  private readonly keys: Uint8Array[] = []
  private readonly texts: string[] = []
  private next = 0

  constructor(
    private readonly size: number,
    private readonly decode: (b: Uint8Array, start: number, end: number) => string,
  ) {}

  /** Returns the text of b[start,end), decoded once per distinct recent value. */
  get(b: Uint8Array, start: number, end: number): string {
    const n = end - start
    if (n === 0) return ''
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k]!
      if (key.length !== n) continue
      let i = 0
      while (i < n && key[i] === b[start + i]) i++
      if (i === n) return this.texts[k]!
    }
    const text = this.decode(b, start, end)
    const slot = this.next
    this.next = (this.next + 1) % this.size
    this.keys[slot] = Uint8Array.prototype.slice.call(b, start, end) // a copy: never pin the chunk
    this.texts[slot] = text
    return text
  }
}
