import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { Backoff } from '../../src/sources/follow/backoff.js'
import { checkpointFrom } from '../../src/sources/follow/checkpoint.js'
import { fingerprint } from '../../src/sources/follow/fingerprint.js'
import { isoMicros, journalArgs, journalLine } from '../../src/sources/follow/journal-record.js'
import { OpenFile } from '../../src/sources/follow/open-file.js'
import { rotatedSiblings } from '../../src/sources/follow/siblings.js'
import { tempDir } from '../helpers/cli.js'

let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

describe('fingerprint', () => {
  test('covers the first min(offset, 256) bytes: bytes past the offset never change it', () => {
    const a = Buffer.from('Nov 22 10:00:00 fw kernel: first line\nsecond')
    expect(fingerprint(a, 10)).toBe(fingerprint(Buffer.from('Nov 22 10:00:00 something else'), 10))
    expect(fingerprint(a, 38)).not.toBe(fingerprint(Buffer.from('Nov 22 10:00:00 fw kernel: first linE\n'), 38))
    const long = Buffer.alloc(400, 'x')
    const other = Buffer.concat([Buffer.alloc(256, 'x'), Buffer.alloc(144, 'y')])
    expect(fingerprint(long, 400)).toBe(fingerprint(other, 300)) // only 256 bytes count
    expect(fingerprint(long, 0)).toBe(fingerprint(Buffer.alloc(0), 0))
    expect(() => fingerprint(Buffer.from('short'), 20)).toThrow(RangeError)
  })

  test('an open file holds a checkpoint when it is long enough and starts with the same bytes', async () => {
    const p = path.join(dir, 'f.log')
    writeFileSync(p, 'abc\ndef\n')
    const f = await OpenFile.open(p)
    f.seek(4)
    const cp = f.checkpoint(p)
    await f.close()
    writeFileSync(p, 'abc\nxyz\nmore\n')
    const same = await OpenFile.open(p)
    expect(same.holds(cp)).toBe(true)
    await same.close()
    writeFileSync(p, 'abd\n')
    const other = await OpenFile.open(p)
    expect(other.holds(cp)).toBe(false)
    await other.close()
    writeFileSync(p, 'ab')
    const shorter = await OpenFile.open(p)
    expect(shorter.holds(cp)).toBe(false)
    await shorter.close()
  })
})

describe('rotated siblings', () => {
  test('numbered and dated names, newest first; compressed and unrelated names are left out', async () => {
    for (const n of ['kern.log', 'kern.log.1', 'kern.log.2', 'kern.log.10', 'kern.log.3.gz', 'kern.log-20261101', 'kern.log-20261102', 'kern.log-20261103.gz', 'kern.log.old', 'kern.logx.1', 'kern.log.1.xz', 'kern.log-2026110112', 'messages.3']) {
      writeFileSync(path.join(dir, n), '')
    }
    const names = (await rotatedSiblings(path.join(dir, 'kern.log'))).map((p) => path.basename(p))
    expect(names).toEqual(['kern.log-20261102', 'kern.log-2026110112', 'kern.log-20261101', 'kern.log.1', 'kern.log.2', 'kern.log.10'])
    expect(await rotatedSiblings(path.join(dir, 'missing-dir', 'x.log'))).toEqual([])
  })
})

describe('journal records', () => {
  test('time in microseconds, UTC with zone', () => {
    expect(isoMicros(1_795_000_000_000_007)).toBe(`${new Date(1_795_000_000_000).toISOString().slice(0, 19)}.000007+00:00`)
    expect(isoMicros(86_400_123_456)).toBe('1970-01-02T00:00:00.123456+00:00')
  })

  test('a record becomes one line; missing host is localhost; the cursor comes along', () => {
    const r = journalLine({ __REALTIME_TIMESTAMP: '86400123456', MESSAGE: 'IN=eth0 SRC=1.2.3.4', __CURSOR: 'c' })
    expect(r).toEqual({ bytes: Buffer.from('1970-01-02T00:00:00.123456+00:00 localhost kernel: IN=eth0 SRC=1.2.3.4\n'), cursor: 'c' })
    expect(journalLine({ __REALTIME_TIMESTAMP: '1', MESSAGE: 'x' })).toMatchObject({ cursor: null })
  })

  test('records that cannot be used say why', () => {
    expect(journalLine(null)).toBe('not a JSON object')
    expect(journalLine([1])).toBe('not a JSON object')
    expect(journalLine({ MESSAGE: 'x' })).toBe('no valid __REALTIME_TIMESTAMP')
    expect(journalLine({ __REALTIME_TIMESTAMP: '99999999999999999', MESSAGE: 'x' })).toBe('no valid __REALTIME_TIMESTAMP')
    expect(journalLine({ __REALTIME_TIMESTAMP: '-5', MESSAGE: 'x' })).toBe('no valid __REALTIME_TIMESTAMP')
    expect(journalLine({ __REALTIME_TIMESTAMP: '1', MESSAGE: null })).toBe('MESSAGE too large for journalctl to print')
    expect(journalLine({ __REALTIME_TIMESTAMP: '1', MESSAGE: [256] })).toBe('no valid MESSAGE')
    expect(journalLine({ __REALTIME_TIMESTAMP: '1', MESSAGE: [1.5] })).toBe('no valid MESSAGE')
  })

  test('journalctl arguments for each start', () => {
    expect(journalArgs('end')).toEqual(['--dmesg', '--lines=0', '--follow', '--output=json', '--quiet', '--no-pager'])
    expect(journalArgs('boot')).toEqual(['--dmesg', '--no-tail', '--follow', '--output=json', '--quiet', '--no-pager'])
    expect(journalArgs({ since: 1700000000 })).toEqual(['--dmesg', '--no-tail', '--since=@1700000000', '--follow', '--output=json', '--quiet', '--no-pager'])
    expect(journalArgs({ cursor: '-x;y' })).toEqual(['_TRANSPORT=kernel', '--no-tail', '--after-cursor=-x;y', '--follow', '--output=json', '--quiet', '--no-pager'])
  })
})

describe('checkpoints', () => {
  test('survive JSON and are validated when read back', () => {
    const file = { kind: 'file', path: '/var/log/kern.log', dev: 2049, ino: 1234, fingerprint: '0123456789abcdef0123456789abcdef', offset: 99 } as const
    expect(checkpointFrom(JSON.parse(JSON.stringify(file)), 'state.json')).toEqual(file)
    expect(checkpointFrom({ kind: 'journal', cursor: 's=1' }, 'state.json')).toEqual({ kind: 'journal', cursor: 's=1' })
    expect(() => checkpointFrom({ ...file, offset: -1 }, 'state.json')).toThrow(InputError)
    expect(() => checkpointFrom({ ...file, fingerprint: 'xyz' }, 'state.json')).toThrow(/state\.json: not a checkpoint: \{"kind":"file"/)
    expect(() => checkpointFrom({ kind: 'journal', cursor: '' }, 'state.json')).toThrow(InputError)
    expect(() => checkpointFrom('nope', 'state.json')).toThrow(InputError)
  })
})

describe('back-off', () => {
  test('doubles up to the maximum and starts again after a reset', () => {
    const b = new Backoff(100, 500)
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 500, 500])
    b.reset()
    expect(b.next()).toBe(100)
  })
})
