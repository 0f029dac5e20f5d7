import { spawnSync } from 'node:child_process'
import { truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { cli, tempDir } from '../helpers/cli.js'
import { tcpLine } from '../helpers/lines.js'
import { readInput } from '../../src/sources/read.js'

// A damaged gzip input loses only what is damaged: the run analyses as many lines as `gzip -d`
// writes, reports gzip: true and names the damage with its byte offset, and exits 4.

const { dir, cleanup } = tempDir()
afterAll(cleanup)

const text = Buffer.from(Array.from({ length: 6000 }, (_, i) => `${tcpLine({ src: `203.0.113.${i % 200}`, dport: 1000 + (i % 300) })}\n`).join(''))
const gz = gzipSync(text)
const flip = (at: number, mask = 0xff): Buffer => {
  const copy = Buffer.from(gz)
  copy[at]! ^= mask
  return copy
}

/** Lines `gzip -dc FILE | wc -l` counts: the complete lines gzip -d writes. */
function gzipLines(file: string): number {
  const r = spawnSync('gzip', ['-dc', file], { maxBuffer: 64 * 1024 * 1024 })
  return r.stdout.reduce((n: number, b: number) => (b === 10 ? n + 1 : n), 0)
}

const DAMAGE: [string, Buffer, RegExp][] = [
  ['trailing garbage', Buffer.concat([gz, Buffer.from('not gzip\n')]), new RegExp(`trailing garbage at byte ${gz.length} `)],
  ['a bad CRC', flip(gz.length - 8), new RegExp(`CRC error in gzip member 1 \\(trailer at byte ${gz.length - 8}\\)`)],
  ['a bad length', flip(gz.length - 2, 1), new RegExp(`length error in gzip member 1 \\(trailer at byte ${gz.length - 8}\\)`)],
  ['truncation', gz.subarray(0, Math.floor(gz.length * 0.7)), new RegExp(`gzip data truncated at byte ${Math.floor(gz.length * 0.7)} \\(member 1, in its compressed data\\); the unfinished line at the end of what was read \\(\\d+ bytes\\) was not analysed`)],
]

describe('damaged gzip: as many lines as gzip -d writes', () => {
  test.each(DAMAGE)('%s', (name, data, message) => {
    const file = path.join(dir, `${name.replace(/ /g, '-')}.log.gz`)
    writeFileSync(file, data)
    const expected = gzipLines(file)
    expect(expected).toBeGreaterThan(1000)
    for (const threads of ['1', '2']) {
      const r = cli(['analyze', file, '--format', 'json', '--threads', threads])
      expect(r.status).toBe(4)
      const report = JSON.parse(r.stdout)
      expect(report.inputs[0]).toMatchObject({ name: file, gzip: true, bytes: data.length, lines: expected })
      expect(report.summary.linesRead).toBe(expected)
      expect(report.summary.packets).toBe(expected)
      expect(report.inputs[0].error).toMatch(message)
      expect(r.stderr).toContain(`portsleuth: ${file}: `)
    }
  })
})

test('a plain file truncated while it is read is reported, not silently short', async () => {
  const file = path.join(dir, 'shrinking.log')
  writeFileSync(file, Buffer.concat(Array.from({ length: 12 }, () => text)))
  let first = true
  const stats = { name: file, bytes: 0, gzip: false, mtime: null }
  const read = readInput({ kind: 'file', path: file }, {
    onChunk: () => {
      // logrotate's copytruncate, between two reads.
      if (first) truncateSync(file, 1000)
      first = false
    },
  }, stats)
  await expect(read).rejects.toThrow(/the file shrank while it was read: \d+ of the \d+ bytes it had when opened were read/)
  expect(stats.bytes).toBeGreaterThan(0)
})
