import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { corpusChunks, describeCorpus, generateCorpus, writeCorpus } from '../../bench/corpus.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'

// The synthetic corpus (bench/corpus.ts) feeds the benchmark and the differential check against psad,
// so it must be reproducible to the byte and readable by portsleuth line by line.

const LINES = 6000
const full = generateCorpus({ lines: LINES, seed: 11 })
const compat = generateCorpus({ lines: LINES, seed: 11, psadCompatible: true })

function classify(lines: readonly string[]): { packets: Packet[]; counts: Record<string, number>; errors: string[] } {
  const parser = new LineParser({ sidString: 'SID' })
  const time = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }
  const packets: Packet[] = []
  const counts: Record<string, number> = {}
  const errors: string[] = []
  for (const line of lines) {
    const r = parser.parse(line, time)
    const kind = typeof r === 'string' ? r : 'packet'
    counts[kind] = (counts[kind] ?? 0) + 1
    if (typeof r !== 'string') packets.push(r)
    else if (r === 'malformed' && errors.length < 5) errors.push(`${parser.error}: ${line}`)
  }
  return { packets, counts, errors }
}

describe('corpus generator: determinism', () => {
  const dir = mkdtemp(join(tmpdir(), 'corpus-test-'))
  afterAll(async () => rm(await dir, { recursive: true, force: true }))

  test('same options give the same lines; another seed gives others', () => {
    expect(generateCorpus({ lines: LINES, seed: 11 })).toEqual(full)
    expect(generateCorpus({ lines: LINES, seed: 12 })).not.toEqual(full)
  })

  test('exactly the number of lines asked for, in both modes and at odd sizes', () => {
    expect(full).toHaveLength(LINES)
    expect(compat).toHaveLength(LINES)
    for (const lines of [1, 2, 33, 34, 101, 777]) expect(generateCorpus({ lines, seed: 3 })).toHaveLength(lines)
    expect(generateCorpus({ lines: 500, seed: 3, sources: 1 })).toHaveLength(500)
    expect(generateCorpus({ lines: 50, seed: 3, sources: 5000 })).toHaveLength(50)
  })

  test('the chunked stream is the same text as the line list', () => {
    expect([...corpusChunks({ lines: LINES, seed: 11 })].join('')).toBe(`${full.join('\n')}\n`)
  })

  test('files are byte-identical across runs, gzip included', async () => {
    const d = await dir
    const paths = ['a.log', 'b.log', 'a.log.gz', 'b.log.gz'].map((f) => join(d, f))
    await writeCorpus({ lines: 3000, seed: 4 }, paths[0]!)
    await writeCorpus({ lines: 3000, seed: 4 }, paths[1]!)
    await writeCorpus({ lines: 3000, seed: 4 }, paths[2]!, true)
    await writeCorpus({ lines: 3000, seed: 4 }, paths[3]!, true)
    const [a, b, az, bz] = await Promise.all(paths.map((p) => readFile(p)))
    expect(a!.equals(b!)).toBe(true)
    expect(az!.equals(bz!)).toBe(true)
    expect(gunzipSync(az!).equals(a!)).toBe(true)
  })

  test('the summary accounts for every line', () => {
    const s = describeCorpus({ lines: LINES, seed: 11 })
    expect(s.scanLines + s.backgroundLines + s.syslogLines).toBe(LINES)
    expect(Object.keys(s.scanners).length).toBeGreaterThan(5)
    expect(s.sources).toBeGreaterThan(500)
  })

  test('bad options are refused', () => {
    expect(() => generateCorpus({ lines: 0, seed: 1 })).toThrow(RangeError)
    expect(() => generateCorpus({ lines: 10, seed: 1.5 })).toThrow(RangeError)
    expect(() => generateCorpus({ lines: 10, seed: 1, start: 'yesterday' })).toThrow(RangeError)
  })
})

describe.each([
  ['full', full],
  ['psad-compatible', compat],
])('corpus generator (%s): portsleuth reads it', (_name, lines) => {
  const { packets, counts, errors } = classify(lines)

  test('≥ 96% packets, the rest ordinary syslog; nothing malformed', () => {
    expect(errors).toEqual([])
    expect(Object.keys(counts).sort()).toEqual(['not-firewall', 'packet'])
    expect(counts.packet! / lines.length).toBeGreaterThanOrEqual(0.96)
  })

  test('packets come in time order, inside the six-hour window (bursts may run past its end)', () => {
    // RFC 3164 heads have whole seconds only.
    const times = packets.map((p) => Math.floor(p.time / 1000) * 1000)
    expect(times.every(Number.isFinite)).toBe(true)
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!)
    expect(times[0]!).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 22, 6))
    expect(times.filter((t) => t > Date.UTC(2026, 10, 22, 12)).length / times.length).toBeLessThan(0.05)
  })

  test('thousands of sources, IPv4 and IPv6, with the mix of protocols a firewall sees', () => {
    const sources = new Set(packets.map((p) => p.src))
    expect(sources.size).toBeGreaterThan(500)
    expect(packets.some((p) => p.ipv6)).toBe(true)
    const protos = new Set(packets.map((p) => p.proto))
    for (const p of [1, 2, 6, 17, 47, 58]) expect(protos).toContain(p)
    const flags = new Set(packets.filter((p) => p.proto === 6).map((p) => p.flags))
    // SYN, FIN, XMAS, NULL, ACK, Maimon, SYN+FIN, and more mixes.
    for (const f of [0x02, 0x01, 0x29, 0x00, 0x10, 0x11, 0x03]) expect(flags).toContain(f)
    expect(flags.size).toBeGreaterThan(20)
  })
})

describe('corpus generator: what the lines look like', () => {
  const text = full.join('\n')
  const count = (re: RegExp): number => full.filter((l) => re.test(l)).length

  test('kernel LOG layout: prefixes, heads, uptime, options, sequence numbers', () => {
    expect(count(/ kernel: \[\s*\d+\.\d{6}\] DROP IN=/)).toBeGreaterThan(0)
    expect(count(/ kernel: \[UFW BLOCK\] IN=/)).toBeGreaterThan(0)
    expect(count(/ kernel: Shorewall:net2fw:DROP:IN=/)).toBeGreaterThan(0)
    expect(count(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 \S+ kernel: /)).toBeGreaterThan(0)
    expect(count(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: /)).toBeGreaterThan(0)
    expect(count(/PROTO=TCP .* URGP=0 OPT \([0-9A-F]+\) $/)).toBeGreaterThan(0)
    expect(count(/PROTO=TCP .* URGP=0 $/)).toBeGreaterThan(0)
    expect(count(/PROTO=TCP SPT=\d+ DPT=\d+ SEQ=\d+ ACK=\d+ WINDOW=/)).toBeGreaterThan(0)
    expect(count(/ SRC=(?:[0-9a-f]{4}:){7}[0-9a-f]{4} DST=(?:[0-9a-f]{4}:){7}[0-9a-f]{4} LEN=\d+ TC=/)).toBeGreaterThan(0)
  })

  test('ICMP: echo with ID/SEQ, errors with the offending packet, invalid types; ICMPv6', () => {
    expect(count(/PROTO=ICMP TYPE=8 CODE=0 ID=\d+ SEQ=\d+ $/)).toBeGreaterThan(0)
    expect(count(/PROTO=ICMP TYPE=3 CODE=\d+ \[SRC=\S+ DST=\S+ LEN=\d+ .* PROTO=(UDP|TCP) .*\] /)).toBeGreaterThan(0)
    expect(count(/PROTO=ICMP TYPE=(1|2|7|42|99|255) CODE=/)).toBeGreaterThan(0)
    expect(count(/PROTO=ICMPv6 TYPE=(135|143) CODE=0/)).toBeGreaterThan(0)
  })

  test('about 3% ordinary syslog (sshd, cron, …)', () => {
    const noise = count(/ (sshd|CRON|systemd|dhclient)\[\d+\]: /) + count(/ kernel: e1000e/)
    expect(noise / full.length).toBeGreaterThan(0.02)
    expect(noise / full.length).toBeLessThan(0.04)
    expect(text).toContain('Failed password for invalid user')
  })

  test('outside psad-compatible mode: formats and protocols psad cannot read', () => {
    expect(count(/^<4>1 \d{4}-/)).toBeGreaterThan(0)
    expect(count(/SRC=\S*::/)).toBeGreaterThan(0)
    expect(count(/TOS=.*PROTO=UDPLITE SPT=/)).toBeGreaterThan(0)
    expect(count(/PROTO=ESP /)).toBeGreaterThan(0)
  })

  test('psad-compatible mode leaves out what psad 2.4.6 rejects (docs/psad-model.md §7)', () => {
    const bad = compat.filter((l) =>
      /^<\d+>/.test(l) || // RFC 5424
      !(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ /.test(l) || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S+ \S+ /.test(l)) || // head
      (/ IN=/.test(l) && !/ kernel: /.test(l)) || // no kernel: tag
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d \S+ kernel:/.test(l) || // ISO without suffix
      /(SRC|DST)=\S*::/.test(l) || // compressed IPv6
      /TOS=.*PROTO=UDPLITE/.test(l) || // IPv4 UDPLITE
      /HOPLIMIT=.*OPT \(.*PROTO=(UDP|UDPLITE|ICMPv6) /.test(l) || // IPv6 UDP/ICMPv6 behind extension headers
      /HOPLIMIT=.*PROTO=TCP .*SEQ=/.test(l) || // IPv6 TCP with SEQ=
      /PROTO=(ESP|AH) /.test(l) ||
      /RES=0x00 (CWR |ECE )+URGP=/.test(l), // only ECN flags
    )
    expect(bad.slice(0, 3)).toEqual([])
  })
})
