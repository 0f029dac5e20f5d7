import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { generateCorpus } from '../../bench/corpus.js'
import { defaultThreads } from '../../src/run/analysis.js'
import { cli, tempDir } from '../helpers/cli.js'
import { tcpLine } from '../helpers/lines.js'

// Threads must not change the report. The main thread reads every input once and hands each chunk
// to every thread, each analyses the lines of its share of the sources, and the parts are merged: so the JSON of a run with threads must be
// byte-identical to a serial one — packets, scores, counters, the run-wide host and prefix tallies
// past their 1,000-label bound (kept by first sight across parts), the first malformed lines in
// input order, and scan windows of sources whose lines come with skewed clocks.

const { dir, cleanup } = tempDir()
afterAll(cleanup)

describe('analysis threads', () => {
  const lines = generateCorpus({ lines: 80_000, seed: 7 })
  // A malformed and an over-long line deep into the big file.
  lines.splice(70_000, 0, 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 BOGUS URGP=0', 'x'.repeat(20_000))
  // 1,200 hosts with their own names: the host tally keeps the first 1,000 and counts the rest as other.
  for (let i = 0; i < 1200; i++) lines.splice(1000 + i * 40, 0, tcpLine({ dport: 22, src: `198.18.${i >> 8}.${i & 255}`, time: 'Nov 22 06:30:00' }).replace(' fw kernel:', ` host${i} kernel:`))
  // A scanner logged by two hosts whose clocks are 10 minutes apart, its lines interleaved with
  // others': windows run on the source's own clock, which no other thread's lines can move.
  for (let i = 0; i < 300; i++) {
    const minute = String(i % 2 === 0 ? 10 + (i >> 6) : (i >> 6)).padStart(2, '0')
    lines.splice(20_000 + i * 50, 0, tcpLine({ dport: 1000 + i, src: '198.51.100.77', time: `Nov 22 07:${minute}:00` }))
  }
  const big = path.join(dir, 'big.log')
  writeFileSync(big, `${lines.join('\n')}\n`)
  const rotated = ['kern.log.2.gz', 'kern.log.1', 'kern.log'].map((n) => path.join(dir, n))
  writeFileSync(rotated[0]!, gzipSync(`${lines.slice(0, 15_000).join('\n')}\n`))
  writeFileSync(rotated[1]!, `${lines.slice(15_000, 30_000).join('\n')}\n`)
  writeFileSync(rotated[2]!, `${lines.slice(30_000, 45_000).join('\n')}\n`)
  const conf = path.join(dir, 'psad.conf')
  writeFileSync(conf, 'FW_SEARCH_ALL N;\nFW_MSG_SEARCH DROP;\nFW_MSG_SEARCH Shorewall;\n')
  const json = (threads: number, files: string[], extra: string[] = []): string => {
    const r = cli(['analyze', '--format', 'json', '--threads', String(threads), ...extra, ...files], { env: { TZ: 'UTC' } })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout
  }

  test('a large file gives the same report with 2 and 3 threads as read serially', () => {
    const serial = json(0, [big])
    expect(json(2, [big])).toBe(serial)
    expect(json(3, [big])).toBe(serial)
    const report = JSON.parse(serial)
    expect(report.summary.linesRead).toBe(81_502)
    expect(report.malformed[0].where).toBe(`${big}:71501`)
    expect(report.summary.skipped['too-long']).toBe(1)
    expect(report.summary.hosts.other).toBeGreaterThan(0)
    expect(Object.keys(report.summary.hosts)).toHaveLength(1001)
    expect(report.sources.find((s: { ip: string }) => s.ip === '198.51.100.77').packets).toBe(300)
  })
  test('standard input is read once and shared by the threads it is given', () => {
    const text = `${lines.slice(0, 30_000).join('\n')}\n`
    const stdin = (threads: number): string => {
      const r = cli(['analyze', '--format', 'json', '--threads', String(threads), '-'], { input: text })
      expect(r.status, r.stderr).toBe(0)
      return r.stdout
    }
    expect(stdin(2)).toBe(stdin(0))
  })
  test('a rotated set with a gzip member gives the same report with threads', () => {
    expect(json(2, [...rotated].reverse())).toBe(json(0, rotated))
  })
  test("psad's FW_MSG_SEARCH (which reads each line's text) works in every thread", () => {
    const serial = json(0, [big], ['--config', conf])
    expect(json(2, [big], ['--config', conf])).toBe(serial)
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

describe('threads used when --threads is not given', () => {
  test('one below 3 CPUs, where a second thread gains little for its memory; else one per CPU, at most 4', () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultThreads)).toEqual([1, 1, 3, 4, 4, 4])
  })
})
