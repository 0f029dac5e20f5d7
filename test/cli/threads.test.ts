import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { generateCorpus } from '../../bench/corpus.js'
import { defaultThreads } from '../../src/run/analysis.js'
import { BIN, cli, ROOT, tempDir } from '../helpers/cli.js'
import { tcpLine, udpLine } from '../helpers/lines.js'

// Threads must not change the report. Each thread splits its share of the blocks of the text (byte
// ranges of a file, or blocks the main thread cuts from a stream) and analyses the lines of its share
// of the sources; the parts are merged. So the JSON of a run with threads must be byte-identical to a
// serial one — packets, scores, counters, the run-wide host and prefix tallies past their 1,000-label
// bound (kept by first sight across parts), the first malformed lines in input order with their
// file:line, and scan windows of sources whose lines come with skewed clocks — also on hostile input.

const { dir, cleanup } = tempDir()
afterAll(cleanup)

const base = generateCorpus({ lines: 50_000, seed: 7 })

/** Inserts `extra(i)` every `every` lines from `from` on, `count` times. */
function sprinkle(lines: string[], from: number, every: number, count: number, extra: (i: number) => string): void {
  for (let i = count - 1; i >= 0; i--) lines.splice(Math.min(lines.length, from + i * every), 0, extra(i))
}

// The generated corpus, with what a hostile or unusual log holds spread over all of its blocks.
function hostile(): string[] {
  const lines = [...base]
  // 1,200 hosts and 1,200 prefixes with their own names: the tallies keep the first 1,000 of each.
  sprinkle(lines, 500, 37, 1200, (i) => tcpLine({ dport: 22, src: `198.18.${i >> 8}.${i & 255}`, time: 'Nov 22 06:30:00' }).replace(' fw kernel:', ` host${i} kernel:`))
  sprinkle(lines, 900, 41, 1200, (i) => tcpLine({ dport: 23, src: `198.19.${i >> 8}.${i & 255}`, prefix: `P${i} ` }))
  // Lines without a wall-clock time (dmesg, no header at all), and fractional ISO times.
  sprinkle(lines, 300, 997, 50, (i) => `[ ${1000 + i}.123456] DROP IN=eth0 OUT= SRC=203.0.113.${i} DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=1 DPT=${i} WINDOW=1 RES=0x00 SYN URGP=0`)
  sprinkle(lines, 350, 1499, 30, (i) => `IN=eth1 OUT= SRC=203.0.114.${i} DST=192.0.2.2 LEN=40 TTL=50 ID=1 PROTO=UDP SPT=1 DPT=${i} LEN=20`)
  sprinkle(lines, 400, 1201, 40, (i) => tcpLine({ dport: 100 + i, src: '203.0.115.9' }).replace('Nov 22 10:00:00', `2026-11-22T10:0${i % 10}:00.${String(123457 * (i + 1)).slice(0, 6)}+01:00`))
  // Forged lines: a SRC= in the prefix, IN= in the host name, two SRC=, brackets, an ipchains line.
  sprinkle(lines, 650, 1777, 25, (i) => tcpLine({ dport: 80, src: '203.0.116.1', prefix: `SRC=6.6.6.${i} ` }))
  sprinkle(lines, 700, 1901, 25, (i) => tcpLine({ dport: 81, src: '203.0.116.2' }).replace(' fw kernel:', ` IN=x${i} kernel:`))
  sprinkle(lines, 750, 2003, 25, (i) => tcpLine({ dport: 82, src: '203.0.116.3' }).replace('DST=', `SRC=10.9.9.${i} DST=`))
  sprinkle(lines, 800, 2111, 25, (i) => udpLine({ dport: 53, src: '203.0.116.4' }).replace('PROTO=UDP', `[SRC=7.7.7.${i}] PROTO=UDP`))
  sprinkle(lines, 850, 2222, 20, (i) => `Nov 22 10:00:00 fw kernel: Packet log: input DENY eth0 PROTO=6 203.0.116.5:${1000 + i} 192.0.2.1:${i} L=44 S=0x00 I=1 F=0x4000 T=50 SYN (#1)`)
  // Mixed families: IPv6 sources, an IPv4-mapped source, and a v6 source with a v4 destination.
  sprinkle(lines, 950, 1303, 40, (i) => `Nov 22 10:00:0${i % 10} fw kernel: DROP IN=eth0 OUT= SRC=2001:db8::${(i % 7).toString(16)} DST=2001:db8:1::${i.toString(16)} LEN=80 TC=0 HOPLIMIT=60 FLOWLBL=0 PROTO=TCP SPT=1 DPT=${i} WINDOW=1 RES=0x00 SYN URGP=0`)
  sprinkle(lines, 975, 2411, 20, (i) => `Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=::ffff:198.51.100.${i} DST=192.0.2.9 LEN=80 TC=0 HOPLIMIT=60 FLOWLBL=0 PROTO=UDP SPT=1 DPT=${i} LEN=40`)
  // Malformed lines (more than the 20 samples kept), CRLF, NUL bytes and invalid UTF-8, empty lines.
  sprinkle(lines, 1000, 1000, 45, (i) => tcpLine({ dport: 2, src: '10.0.0.1' }).replace('SPT=40000', `SPT=x${i}`))
  sprinkle(lines, 1100, 3001, 15, (i) => `${tcpLine({ dport: 3, src: `10.0.1.${i}` })}\r`)
  sprinkle(lines, 1200, 3331, 15, (i) => tcpLine({ dport: 4, src: `10.0.2.${i}` }).replace('DROP ', `DR\u0000P\u00ff${i} `))
  sprinkle(lines, 1300, 2789, 15, () => '')
  // Over-long lines (over the 16 KiB limit), one of them longer than a block.
  sprinkle(lines, 1400, 9000, 4, (i) => 'x'.repeat(i === 3 ? 1_200_000 : 17_000 + i))
  return lines
}

const lines = hostile()
const big = path.join(dir, 'big.log')
// No newline after the last line.
writeFileSync(big, lines.join('\n'), 'latin1')
// A rotated set: two gzip members in the oldest file, a gzip file, two plain ones.
const rotated = ['kern.log.3.gz', 'kern.log.2.gz', 'kern.log.1', 'kern.log'].map((n) => path.join(dir, n))
const quarter = (k: number): string => `${lines.slice(k * 13_000, (k + 1) * 13_000).join('\n')}\n`
writeFileSync(rotated[0]!, Buffer.concat([gzipSync(quarter(0).slice(0, 700_000)), gzipSync(quarter(0).slice(700_000))]))
writeFileSync(rotated[1]!, gzipSync(quarter(1)))
writeFileSync(rotated[2]!, quarter(2))
writeFileSync(rotated[3]!, quarter(3))

const json = (threads: number, files: string[], extra: string[] = []): string => {
  const r = cli(['analyze', '--format', 'json', '--threads', String(threads), ...extra, ...files], { env: { TZ: 'UTC' } })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

describe('analysis threads', () => {
  test('a large hostile file gives the same report with 2 and 4 threads as read serially', () => {
    const serial = json(1, [big])
    expect(json(2, [big])).toBe(serial)
    expect(json(4, [big])).toBe(serial)
    const report = JSON.parse(serial)
    expect(report.summary.linesRead).toBe(lines.length)
    expect(report.summary.skipped['too-long']).toBe(4)
    expect(report.malformed).toHaveLength(20)
    expect(report.malformed[0].where).toMatch(/big\.log:\d+$/)
    expect(Object.keys(report.summary.hosts)).toHaveLength(1001)
    expect(Object.keys(report.summary.logPrefixes)).toHaveLength(1001)
    expect(report.sources.some((s: { version: number }) => s.version === 6)).toBe(true)
  })
  test('a rotated set with gzip members gives the same report with 2 and 4 threads', () => {
    const serial = json(1, rotated)
    expect(json(2, [...rotated].reverse())).toBe(serial)
    expect(json(4, rotated)).toBe(serial)
    expect(JSON.parse(serial).inputs.map((i: { lines: number }) => i.lines)).toEqual([13_000, 13_000, 13_000, 13_000])
  })
  test('standard input is read once and cut into blocks for the threads', () => {
    const text = `${lines.slice(0, 30_000).join('\n')}\n`
    const stdin = (threads: number): string => {
      const r = cli(['analyze', '--format', 'json', '--threads', String(threads), '-'], { input: Buffer.from(text, 'latin1') })
      expect(r.status, r.stderr).toBe(0)
      return r.stdout
    }
    expect(stdin(2)).toBe(stdin(1))
  })
  test('inputs of every kind in one run: missing, plain, standard input between plain files, gzip, empty', () => {
    const empty = path.join(dir, 'empty.log')
    writeFileSync(empty, '')
    const args = [path.join(dir, 'missing.log'), rotated[3]!, '-', rotated[1]!, empty, rotated[2]!]
    const run = (threads: number): string => {
      const r = cli(['analyze', '--format', 'json', '--threads', String(threads), ...args], { input: quarter(0) })
      expect(r.status, r.stderr).toBe(4)
      expect(r.stderr).toContain('missing.log: no such file or directory')
      return r.stdout
    }
    const serial = run(1)
    expect(run(3)).toBe(serial)
    expect(JSON.parse(serial).inputs.map((i: { lines: number }) => i.lines)).toEqual([0, 13_000, 13_000, 13_000, 13_000, 0])
    expect(JSON.parse(serial).inputs[0]).toMatchObject({ name: path.join(dir, 'missing.log'), error: expect.stringContaining('no such file or directory') })
  })
  test("psad's FW_MSG_SEARCH (which reads each line's text) works in every thread", () => {
    const conf = path.join(dir, 'psad.conf')
    writeFileSync(conf, 'FW_SEARCH_ALL N;\nFW_MSG_SEARCH DROP;\nFW_MSG_SEARCH Shorewall;\n')
    const serial = json(1, [big], ['--config', conf])
    expect(json(3, [big], ['--config', conf])).toBe(serial)
    expect(JSON.parse(serial).summary.skipped['fw-msg-search']).toBeGreaterThan(0)
  })
})

// Lines made to break the merge of the parts: run-wide label tallies past their bound where a label
// first seen in one part comes back in another part that is already full, lines without a time,
// forged SYNs from random sources, IPv4 and IPv6 mixed, packets the host sent (outbound tallies),
// a packet logged twice.
function hostileLines(): string[] {
  let seed = 99
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const v6 = (l: string): string => l.replace(/LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=\d+/, 'LEN=64 TC=0 HOPLIMIT=50 FLOWLBL=0')
  const labelled = (i: number, src: string, time: string): string =>
    tcpLine({ src, dport: 1 + (i % 900), prefix: `DROP P${i} `, time }).replace(' fw kernel:', ` h${i} kernel:`)
  const lines: string[] = []
  // 3,000 prefixes and hosts, each from its own source…
  for (let i = 0; i < 3000; i++) lines.push(labelled(i, `198.18.${i >> 8}.${i & 255}`, 'Nov 22 06:00:00'))
  // …interleaved with forged SYNs, IPv6 lines, undated lines and outbound lines…
  for (let i = 0; i < 4000; i++) {
    const r = rnd()
    const src = `${1 + Math.floor(rnd() * 223)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`
    const line = tcpLine({ src, dport: 1 + Math.floor(rnd() * 65535), time: 'Nov 22 06:30:00' })
    const at = Math.floor(rnd() * lines.length)
    if (r < 0.4) lines.splice(at, 0, line)
    else if (r < 0.6) lines.splice(at, 0, v6(tcpLine({ src: `2001:db8:${i.toString(16)}::${(i * 7).toString(16)}`, dst: '2001:db8::1', dport: 22, time: 'Nov 22 06:31:00' })))
    else if (r < 0.8) lines.splice(at, 0, line.replace(/^Nov 22 06:30:00 fw kernel: /, 'kernel: '))
    else lines.splice(at, 0, line.replace('IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 ', 'IN= OUT=eth0 ').replace(/SRC=(\S+) DST=(\S+)/, `SRC=192.0.2.1 DST=${src}`))
  }
  // …then the first 1,200 labels again, from other sources (other parts), in reverse order.
  for (let i = 1199; i >= 0; i--) lines.push(labelled(i, `198.19.${i >> 8}.${(i & 255) ^ 1}`, 'Nov 22 07:00:00'))
  // A packet logged by two rules.
  const audit = tcpLine({ src: '203.0.113.99', dport: 80, prefix: '[UFW AUDIT] ' })
  lines.push(audit, audit.replace('[UFW AUDIT] ', '[UFW ALLOW] '))
  return lines
}

describe('analysis threads on hostile input', () => {
  test('labels past the bound, undated lines, forged SYNs, mixed families: 1, 2 and 3 threads give byte-identical JSON', () => {
    const file = path.join(dir, 'hostile.log')
    writeFileSync(file, `${hostileLines().join('\n')}\n`)
    const run = (threads: number): string => {
      const r = cli(['analyze', '--format', 'json', '--threads', String(threads), '--year', '2026', file], { env: { TZ: 'UTC' } })
      expect(r.status, r.stderr).toBe(0)
      return r.stdout
    }
    const serial = run(1)
    const report = JSON.parse(serial)
    expect(Object.keys(report.summary.logPrefixes)).toHaveLength(1001)
    expect(Object.keys(report.summary.hosts)).toHaveLength(1001)
    expect(report.summary.logPrefixes['DROP P0']).toBe(2)
    expect(report.summary.hosts.h0).toBe(2)
    expect(report.summary.outbound.packets).toBeGreaterThan(500)
    expect(report.summary.skipped.duplicate).toBe(1)
    expect(run(2)).toBe(serial)
    expect(run(3)).toBe(serial)
  })
})

describe('a run with threads that goes wrong', () => {
  const faulty = (fault: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, 'analyze', '--format', 'json', '--threads', '2', ...args], {
      cwd: ROOT,
      input,
      env: { ...process.env, TZ: 'UTC', PORTSLEUTH_TEST_THREAD_FAULT: fault },
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 << 20,
    })
    return { status: r.status, stdout: r.stdout, stderr: r.stderr }
  }
  test('a thread that throws ends the run with an error naming the input and the byte, and no report', () => {
    const r = faulty('2:4:throw', [big])
    expect(r.status).toBe(70)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`analysis thread 2 of 2 failed while analysing ${big} at byte 4194304: fault injected`)
  })
  test('a thread that dies while splitting a stream block ends the run too', () => {
    const r = faulty('1:2:exit', ['-'], `${lines.slice(0, 20_000).join('\n')}\n`)
    expect(r.status).toBe(70)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/analysis thread 1 of 2 failed while splitting - at byte \d+ of its text: it ended \(exit code 9\)/)
  })
  test('a file that changes while the threads read it is reported as an input problem', async () => {
    const live = path.join(dir, 'live.log')
    writeFileSync(live, lines.join('\n'), 'latin1')
    const child = spawn(process.execPath, [BIN, 'analyze', '--format', 'json', '--threads', '2', live], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    // Lines keep arriving while it runs, as in a live log.
    const writer = setInterval(() => appendFileSync(live, `\n${lines[0]}`), 20)
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearInterval(writer)
    expect(status, stderr).toBe(4)
    expect(stderr).toContain(`${live}: changed while being read`)
    expect(JSON.parse(stdout).inputs[0].error).toContain('changed while being read')
  })
})

describe('threads used when --threads is not given', () => {
  test('one per CPU but one (at most 8) once the text repays their start; one on 2 CPUs or for unknown sizes', () => {
    const MiB = 1024 * 1024
    expect([1, 2, 3, 4, 16, 64].map((cpus) => defaultThreads(cpus, 265 * MiB))).toEqual([1, 1, 2, 3, 8, 8])
    expect([100, 150, 1000].map((mib) => defaultThreads(4, mib * MiB))).toEqual([1, 3, 3])
    expect([80, 100].map((mib) => defaultThreads(16, mib * MiB))).toEqual([1, 8])
    expect(defaultThreads(2, 10_000 * MiB)).toBe(1)
    expect(defaultThreads(8, -1)).toBe(1)
  })
})
