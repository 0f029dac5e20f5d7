import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib'

// gzip (RFC 1952) read member by member, so that damage costs only what is damaged. zlib's own gunzip
// stream drops the text it inflated in the call that meets a bad CRC, a bad length or trailing
// garbage (up to a whole output chunk: thousands of lines), and says nothing of where. Here each
// member's header and trailer are read in JavaScript, its deflate data goes through zlib's raw
// inflater (still off the main thread) a small piece at a time, and its CRC-32 and length are checked
// against the trailer: every byte inflated is handed on before any damage is reported, with the
// byte offset of the damage in the compressed input.
//
// Unlike `gzip -d`, a member whose CRC or length does not match does not stop the input: its text is
// kept (like gzip, which writes it before complaining) and the next member is read too. Trailing zero
// bytes (tape padding) are ignored, as gzip does; any other trailing bytes are damage.

const ID1 = 0x1f
const ID2 = 0x8b
const CM_DEFLATE = 8
const FHCRC = 0x02
const FEXTRA = 0x04
const FNAME = 0x08
const FCOMMENT = 0x10
const FRESERVED = 0xe0

// Compressed bytes given to zlib per call. A call that fails loses its own output, so this bounds
// what a corrupt deflate stream costs; it also bounds the text one call can produce (a gzip bomb
// inflates about 1000:1, so at most ~64 MiB).
const PIECE = 64 * 1024
const OUT_CHUNK = 1 << 20

/** Damage found in gzip data; `offset` is the byte of the compressed input where it was found. */
export class GzipDamage extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
    this.name = 'GzipDamage'
  }
}

/** The unread bytes of a chunked source, with their position in it. */
class ByteQueue {
  private chunks: Buffer[] = []
  private length = 0
  private done = false
  /** Offset of the first unread byte in the whole source. */
  position = 0

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Offset just past the last byte read from the source so far. */
  get end(): number {
    return this.position + this.length
  }

  private async pull(): Promise<boolean> {
    if (this.done) return false
    const r = await this.source.next()
    if (r.done === true) {
      this.done = true
      return false
    }
    if (r.value.length > 0) {
      this.chunks.push(r.value)
      this.length += r.value.length
    }
    return true
  }

  /** True when `n` bytes are buffered (reading more as needed); false when the source ends first. */
  async need(n: number): Promise<boolean> {
    while (this.length < n) if (!(await this.pull())) return false
    return true
  }

  /** The byte `i` places ahead (call need(i + 1) first). */
  peek(i: number): number {
    for (const c of this.chunks) {
      if (i < c.length) return c[i]!
      i -= c.length
    }
    return -1
  }

  /** Removes and returns the next `n` bytes (call need(n) first). */
  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    let got = 0
    while (got < n) {
      const c = this.chunks[0]!
      const k = Math.min(n - got, c.length)
      c.copy(out, got, 0, k)
      got += k
      if (k === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(k)
    }
    this.length -= n
    this.position += n
    return out
  }

  /** Removes and returns up to `max` bytes, reading more when none are buffered; null at the end. */
  async some(max: number): Promise<Buffer | null> {
    if (this.length === 0 && !(await this.need(1))) return null
    const c = this.chunks[0]!
    const piece = c.length <= max ? c : c.subarray(0, max)
    if (piece === c) this.chunks.shift()
    else this.chunks[0] = c.subarray(max)
    this.length -= piece.length
    this.position += piece.length
    return piece
  }

  /** Puts bytes taken by some() back in front (what zlib did not consume). */
  unshift(b: Buffer): void {
    if (b.length === 0) return
    this.chunks.unshift(b)
    this.length += b.length
    this.position -= b.length
  }

  /** Skips zero bytes (tape padding); true when nothing else follows, else stops at the first other byte. */
  async skipZeros(): Promise<boolean> {
    for (;;) {
      while (this.chunks.length > 0) {
        const c = this.chunks[0]!
        const k = c.findIndex((b) => b !== 0)
        if (k >= 0) {
          this.chunks[0] = c.subarray(k)
          this.length -= k
          this.position += k
          return false
        }
        this.chunks.shift()
        this.length -= c.length
        this.position += c.length
      }
      if (!(await this.pull())) return true
    }
  }
}

// Skips a zero-terminated header field (file name, comment).
async function skipString(q: ByteQueue, member: number): Promise<void> {
  for (;;) {
    if (!(await q.need(1))) throw truncated(q, member, 'in its header')
    if (q.take(1)[0] === 0) return
  }
}

function truncated(q: ByteQueue, member: number, where: string): GzipDamage {
  return new GzipDamage(`gzip data truncated at byte ${q.end} (member ${member}, ${where})`, q.end)
}

// Reads one member header (RFC 1952 §2.3): magic, method, flags and the optional fields they announce.
async function readHeader(q: ByteQueue, member: number): Promise<void> {
  const start = q.position
  if (!(await q.need(10))) throw truncated(q, member, 'in its header')
  const h = q.take(10)
  if (h[0] !== ID1 || h[1] !== ID2) throw new GzipDamage(`not gzip data at byte ${start} (member ${member} has no gzip header)`, start)
  if (h[2] !== CM_DEFLATE) throw new GzipDamage(`gzip member ${member} at byte ${start} uses compression method ${h[2]}, not deflate`, start)
  const flags = h[3]!
  if ((flags & FRESERVED) !== 0) throw new GzipDamage(`gzip member ${member} at byte ${start} has reserved header flags set`, start)
  if ((flags & FEXTRA) !== 0) {
    if (!(await q.need(2))) throw truncated(q, member, 'in its header')
    const xlen = q.take(2).readUInt16LE(0)
    if (!(await q.need(xlen))) throw truncated(q, member, 'in its header')
    q.take(xlen)
  }
  if ((flags & FNAME) !== 0) await skipString(q, member)
  if ((flags & FCOMMENT) !== 0) await skipString(q, member)
  if ((flags & FHCRC) !== 0) {
    if (!(await q.need(2))) throw truncated(q, member, 'in its header')
    q.take(2)
  }
}

/** One zlib raw inflater driven a piece at a time, with what each piece produced. */
class Inflater {
  private readonly z: InflateRaw = createInflateRaw({ chunkSize: OUT_CHUNK })
  private out: Buffer[] = []
  /** Compressed bytes given to zlib so far. */
  fed = 0
  crc = 0
  size = 0

  constructor() {
    this.z.on('data', (d: Buffer) => {
      this.out.push(d)
      this.crc = crc32(d, this.crc)
      this.size = (this.size + d.length) % 2 ** 32
    })
    // Errors are taken from the write callbacks and end(); this keeps 'error' from being unhandled.
    this.z.on('error', () => {})
  }

  /** Inflates a piece; resolves with zlib's error, or null. */
  write(piece: Buffer): Promise<Error | null> {
    this.fed += piece.length
    return new Promise((resolve) => this.z.write(piece, (err) => resolve(err ?? null)))
  }

  /** True once the deflate stream has ended: zlib left some of what it was given. */
  get ended(): boolean {
    return this.z.bytesWritten < this.fed
  }

  /** What zlib did not consume of the last piece (the trailer and what follows). */
  get unconsumed(): number {
    return this.fed - this.z.bytesWritten
  }

  /** Text inflated since the last call. */
  takeOutput(): Buffer | null {
    if (this.out.length === 0) return null
    const b = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out)
    this.out = []
    return b
  }

  /** At the end of the input: resolves true when the deflate stream was complete. */
  finish(): Promise<boolean> {
    return new Promise((resolve) => {
      this.z.once('end', () => resolve(true))
      this.z.once('error', () => resolve(false))
      this.z.end()
    })
  }

  close(): void {
    this.z.close()
  }
}

// Inflates one member's deflate data, yielding its text as it comes; then checks its trailer.
// While the consumer handles one piece's text, zlib already inflates the next.
async function* member(q: ByteQueue, n: number, start: number, damage: GzipDamage[]): AsyncGenerator<Buffer> {
  const z = new Inflater()
  try {
    let piece = await q.some(PIECE)
    let pending = piece === null ? null : z.write(piece)
    while (pending !== null) {
      const pieceStart = q.position - piece!.length
      const err = await pending
      const text = z.takeOutput()
      if (err !== null) {
        if (text !== null) yield text
        throw new GzipDamage(`corrupt gzip data in member ${n} (from byte ${start}) between bytes ${pieceStart} and ${q.position}: ${err.message}`, pieceStart)
      }
      if (z.ended) {
        q.unshift(piece!.subarray(piece!.length - z.unconsumed))
        if (text !== null) yield text
        break
      }
      piece = await q.some(PIECE)
      pending = piece === null ? null : z.write(piece)
      if (text !== null) yield text
    }
    if (!z.ended) {
      // The input ended inside the deflate data, or right after it with no trailer.
      const complete = await z.finish()
      const text = z.takeOutput()
      if (text !== null) yield text
      throw truncated(q, n, complete ? 'before its trailer' : 'in its compressed data')
    }
    const trailerAt = q.position
    if (!(await q.need(8))) throw truncated(q, n, 'in its trailer')
    const t = q.take(8)
    const crc = t.readUInt32LE(0)
    const size = t.readUInt32LE(4)
    if (crc !== z.crc >>> 0) {
      damage.push(new GzipDamage(`CRC error in gzip member ${n} (trailer at byte ${trailerAt}): the text may be damaged`, trailerAt))
    } else if (size !== z.size) {
      damage.push(new GzipDamage(`length error in gzip member ${n} (trailer at byte ${trailerAt}): ${z.size} bytes inflated, ${size} expected`, trailerAt))
    }
  } finally {
    z.close()
  }
}

/**
 * Inflates gzip data (one or more members) from `source`, yielding the text as it is inflated.
 * Every byte that could be inflated is yielded before a GzipDamage is thrown for the first damage
 * that stopped the reading (truncation, corruption, trailing garbage), or, at the end, for a CRC or
 * length mismatch (the text was kept). Reads at most one member's piece ahead.
 */
export async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const q = new ByteQueue(source[Symbol.asyncIterator]())
  const damage: GzipDamage[] = []
  for (let n = 1; ; n++) {
    const start = q.position
    await readHeader(q, n)
    yield* member(q, n, start, damage)
    if (!(await q.need(1))) break
    if (q.peek(0) === 0 && (await q.skipZeros())) break
    if (!(await q.need(2)) || q.peek(0) !== ID1 || q.peek(1) !== ID2) {
      const at = q.position
      throw new GzipDamage(`trailing garbage at byte ${at} after gzip member ${n}: not gzip data; the rest of the input was ignored`, at)
    }
  }
  if (damage.length > 0) {
    const first = damage[0]!
    throw new GzipDamage(damage.map((d) => d.message).join('; '), first.offset)
  }
}
