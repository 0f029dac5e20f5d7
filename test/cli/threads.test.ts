import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { generateCorpus } from '../../bench/corpus.js'
import { cli, tempDir } from '../helpers/cli.js'

// Parsing threads must not change the report: a rotated set (one member gzip) and one file large
// enough to be cut into byte ranges are analysed with and without threads, and the JSON must be
// byte-identical — packets, scores, counters, and the file:line of malformed lines in later ranges.

const { dir, cleanup } = tempDir()
afterAll(cleanup)

describe('parsing threads', () => {
  const lines = generateCorpus({ lines: 80_000, seed: 7 })
  // A malformed and an over-long line deep into the big file (in a later byte range).
  lines.splice(70_000, 0, 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 BOGUS URGP=0', 'x'.repeat(20_000))
  const big = path.join(dir, 'big.log')
  writeFileSync(big, `${lines.join('\n')}\n`)
  const rotated = ['kern.log.2.gz', 'kern.log.1', 'kern.log'].map((n) => path.join(dir, n))
  writeFileSync(rotated[0]!, gzipSync(`${lines.slice(0, 15_000).join('\n')}\n`))
  writeFileSync(rotated[1]!, `${lines.slice(15_000, 30_000).join('\n')}\n`)
  writeFileSync(rotated[2]!, `${lines.slice(30_000, 45_000).join('\n')}\n`)
  const json = (threads: number, files: string[]): string => {
    const r = cli(['analyze', '--format', 'json', '--threads', String(threads), ...files], { env: { TZ: 'UTC' } })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout
  }

  test('a file cut into ranges gives the same report as one read serially', () => {
    const serial = json(0, [big])
    expect(json(2, [big])).toBe(serial)
    const report = JSON.parse(serial)
    expect(report.summary.linesRead).toBe(80_002)
    expect(report.malformed[0].where).toBe(`${big}:70001`)
    expect(report.summary.skipped['too-long']).toBe(1)
  })
  test('a rotated set with a gzip member gives the same report with threads', () => {
    expect(json(2, [...rotated].reverse())).toBe(json(0, rotated))
  })
})
