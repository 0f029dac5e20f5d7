import { spawnSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { GzipDamage, gunzip } from '../../src/sources/gzip.js'

// gunzip() against `gzip -d` itself on each kind of damage: it must hand on every byte gzip -d
// writes (gzip -d writes what it inflated before complaining), and name the damage with its offset.

const TEXT = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `Nov 22 10:00:00 fw kernel: DROP line ${i} ${'x'.repeat(i % 60)}\n`).join(''))
const GZ = gzipSync(TEXT)

/** What `gzip -dc` writes for `data`, and its exit status. */
function gzipD(data: Buffer): { out: Buffer; status: number | null } {
  const r = spawnSync('gzip', ['-dc'], { input: data, maxBuffer: 64 * 1024 * 1024 })
  return { out: r.stdout, status: r.status }
}

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}

/** Everything gunzip() yields, and the damage it throws (null: none). */
async function inflate(data: Buffer, chunkSize = 4096): Promise<{ out: Buffer; damage: GzipDamage | null }> {
  const parts: Buffer[] = []
  try {
    for await (const c of gunzip(chunked(data, chunkSize))) parts.push(Buffer.from(c))
    return { out: Buffer.concat(parts), damage: null }
  } catch (err) {
    if (!(err instanceof GzipDamage)) throw err
    return { out: Buffer.concat(parts), damage: err }
  }
}

const flip = (data: Buffer, at: number, mask = 0xff): Buffer => {
  const copy = Buffer.from(data)
  copy[at]! ^= mask
  return copy
}

describe('intact gzip', () => {
  test.each([7, 4096, 1 << 20])('one member, read in chunks of %i bytes', async (size) => {
    const r = await inflate(GZ, size)
    expect(r.damage).toBeNull()
    expect(r.out.equals(TEXT)).toBe(true)
  })

  test('concatenated members, and zero padding after the last (gzip -d ignores it)', async () => {
    const two = Buffer.concat([gzipSync(TEXT.subarray(0, 100_000)), gzipSync(TEXT.subarray(100_000)), Buffer.alloc(512)])
    expect(gzipD(two).status).toBe(0)
    const r = await inflate(two)
    expect(r.damage).toBeNull()
    expect(r.out.equals(TEXT)).toBe(true)
  })

  test('optional header fields: FEXTRA, FNAME, FCOMMENT, FHCRC', async () => {
    const body = GZ.subarray(10)
    const header = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3])
    const extra = Buffer.from([4, 0, 0x41, 0x42, 2, 0])
    const withFields = Buffer.concat([header, extra, Buffer.from('kern.log\0a comment\0'), Buffer.from([0, 0]), body])
    // gzip -d checks the header CRC; gunzip skips it, so compare with the text itself.
    const r = await inflate(withFields, 3)
    expect(r.damage).toBeNull()
    expect(r.out.equals(TEXT)).toBe(true)
  })

  test('an empty member', async () => {
    const r = await inflate(Buffer.concat([gzipSync(Buffer.alloc(0)), GZ]))
    expect(r.damage).toBeNull()
    expect(r.out.equals(TEXT)).toBe(true)
  })
})

describe('damage costs only what is damaged (same text as gzip -d)', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['trailing garbage after a complete member', Buffer.concat([GZ, Buffer.from('GARBAGE after the member\n')]), new RegExp(`^trailing garbage at byte ${GZ.length} after gzip member 1`)],
    ['garbage after zero padding', Buffer.concat([GZ, Buffer.alloc(10), Buffer.from('x')]), new RegExp(`^trailing garbage at byte ${GZ.length + 10} `)],
    ['a bad CRC', flip(GZ, GZ.length - 8), new RegExp(`^CRC error in gzip member 1 \\(trailer at byte ${GZ.length - 8}\\)`)],
    ['a bad length', flip(GZ, GZ.length - 1, 1), new RegExp(`^length error in gzip member 1 \\(trailer at byte ${GZ.length - 8}\\)`)],
    ['truncated in the compressed data', GZ.subarray(0, Math.floor(GZ.length * 0.6)), new RegExp(`^gzip data truncated at byte ${Math.floor(GZ.length * 0.6)} \\(member 1, in its compressed data\\)`)],
    ['truncated before the trailer', GZ.subarray(0, GZ.length - 8), new RegExp(`^gzip data truncated at byte ${GZ.length - 8} \\(member 1, before its trailer\\)`)],
    ['truncated in the trailer', GZ.subarray(0, GZ.length - 3), new RegExp(`^gzip data truncated at byte ${GZ.length - 3} \\(member 1, in its trailer\\)`)],
    ['truncated in the header', GZ.subarray(0, 6), /^gzip data truncated at byte 6 \(member 1, in its header\)/],
    ['truncated in the second member', Buffer.concat([GZ, gzipSync(TEXT).subarray(0, 5000)]), new RegExp(`^gzip data truncated at byte ${GZ.length + 5000} \\(member 2, in its compressed data\\)`)],
  ]
  test.each(cases)('%s', async (_name, data, message) => {
    const reference = gzipD(data)
    expect(reference.status).not.toBe(0)
    const r = await inflate(data)
    expect(r.out.length).toBe(reference.out.length)
    expect(r.out.equals(reference.out)).toBe(true)
    expect(r.damage?.message).toMatch(message)
  })

  test('a corrupt deflate stream: at most the last piece before the damage is lost', async () => {
    const data = flip(GZ, Math.floor(GZ.length / 2), 0x55)
    const r = await inflate(data)
    expect(r.damage).not.toBeNull()
    const reference = gzipD(data).out
    // Whatever was handed on is what gzip -d wrote, from the start.
    expect(reference.subarray(0, r.out.length).equals(r.out)).toBe(true)
    expect(r.out.length).toBeGreaterThan(TEXT.length * 0.4)
  })

  test('a bad CRC in the first member does not stop the second (gzip -d stops there)', async () => {
    const first = gzipSync(TEXT.subarray(0, 100_000))
    const data = Buffer.concat([flip(first, first.length - 8), gzipSync(TEXT.subarray(100_000))])
    const r = await inflate(data)
    expect(r.out.equals(TEXT)).toBe(true)
    expect(r.damage?.message).toMatch(new RegExp(`^CRC error in gzip member 1 \\(trailer at byte ${first.length - 8}\\)`))
    expect(gzipD(data).out.length).toBe(100_000)
  })
})
