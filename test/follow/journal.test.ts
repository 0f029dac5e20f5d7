import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Checkpoint } from '../../src/sources/follow/checkpoint.js'
import { Follower, type FollowOptions } from '../../src/sources/follow/follower.js'
import { LineParser } from '../../src/parse/line.js'
import { tempDir } from '../helpers/cli.js'
import { Collector, expectExactly, sleep, until } from '../helpers/follow.js'

// The journal through a stand-in journalctl (test/helpers/journalctl-stand-in.mjs) that prints
// JSON records from a file, honours --after-cursor, and dies when told.

const STANDIN = fileURLToPath(new URL('../helpers/journalctl-stand-in.mjs', import.meta.url))
const BASE_US = 1_795_000_000_000_000
const ENV = ['STANDIN_RECORDS', 'STANDIN_ARGS', 'STANDIN_DIE_AFTER', 'STANDIN_DIE_MARK', 'STANDIN_DIE_MIDLINE', 'PORTSLEUTH_JOURNALCTL']

let dir: string
let cleanup: () => void
let records: string
let argsLog: string
const running: Follower[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  records = path.join(dir, 'records.jsonl')
  argsLog = path.join(dir, 'args.jsonl')
  writeFileSync(records, '')
  process.env.STANDIN_RECORDS = records
  process.env.STANDIN_ARGS = argsLog
})
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop()
  for (const k of ENV) delete process.env[k]
  cleanup()
})

const cursor = (n: number): string => `s=5eed;i=${n.toString(16)};b=b007;m=${n};t=${n};x=0`

function record(n: number, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ __CURSOR: cursor(n), __REALTIME_TIMESTAMP: String(BASE_US + n * 1000), _HOSTNAME: 'fw', _TRANSPORT: 'kernel', MESSAGE: `seq=${n} DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=44 TTL=50 ID=${n} PROTO=TCP SPT=40000 DPT=${1000 + n} WINDOW=1024 RES=0x00 SYN URGP=0 `, ...fields })
}

function add(from: number, to: number): void {
  let text = ''
  for (let n = from; n <= to; n++) text += `${record(n)}\n`
  appendFileSync(records, text)
}

const runs = (): string[][] => (existsSync(argsLog) ? readFileSync(argsLog, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)) : [])

/** The journal's delivered lines as `seq` numbers (the message starts with `seq=N`). */
const seqs = (c: Collector): number[] => [...c.text().matchAll(/ kernel: seq=(\d+) /g)].map((m) => Number(m[1]))

async function follow(opts: FollowOptions = {}, cps: Checkpoint[] = []): Promise<{ c: Collector; f: Follower }> {
  const c = new Collector()
  const f = new Follower([{ kind: 'journal' }], cps, { log: c.log, journalctl: STANDIN, retryMinMs: 50, retryMaxMs: 200, ...opts }, c.consumer)
  running.push(f)
  await f.start()
  await until(() => runs().length > 0, 'journalctl to start')
  return { c, f }
}

describe('journal', () => {
  test('from the end: records already there are skipped, new ones arrive as lines the parser reads', async () => {
    add(1, 5)
    const { c, f } = await follow()
    expect(runs()[0]).toEqual(['--dmesg', '--lines=0', '--follow', '--output=json', '--quiet', '--no-pager'])
    await sleep(300)
    add(6, 10)
    await until(() => seqs(c).length === 5, 'records 6..10')
    expect(seqs(c)).toEqual([6, 7, 8, 9, 10])
    const lines = c.text().split('\n').slice(0, -1)
    const iso = new Date((BASE_US + 6000) / 1000).toISOString().replace('Z', '000+00:00')
    expect(lines[0]).toBe(`${iso} fw kernel: seq=6 DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=44 TTL=50 ID=6 PROTO=TCP SPT=40000 DPT=1006 WINDOW=1024 RES=0x00 SYN URGP=0 `)
    const pkt = new LineParser({ sidString: 'SID' }).parse(lines[0]!, { year: undefined, reference: 0 })
    expect(pkt).toMatchObject({ src: '203.0.113.5', dport: 1006, time: (BASE_US + 6000) / 1000 })
    expect(c.checkpoint('journalctl -k')).toEqual({ kind: 'journal', cursor: cursor(10) })
    expect(f.status()[0]).toMatchObject({ input: 'journalctl -k', kind: 'journal', state: 'following', cursor: cursor(10), lines: 5, badRecords: 0 })
  })

  test('resumes after the checkpoint cursor, and matches the kernel transport across boots', async () => {
    add(1, 10)
    const { c } = await follow({}, [{ kind: 'journal', cursor: cursor(4) }])
    await until(() => seqs(c).length === 6, 'records 5..10')
    expect(seqs(c)).toEqual([5, 6, 7, 8, 9, 10])
    expect(runs()[0]).toEqual(['_TRANSPORT=kernel', '--no-tail', `--after-cursor=${cursor(4)}`, '--follow', '--output=json', '--quiet', '--no-pager'])
  })

  test('journalctl dying again and again is restarted after the last cursor delivered: nothing lost or repeated', async () => {
    process.env.STANDIN_DIE_AFTER = '7'
    add(1, 30)
    const { c } = await follow({ fromStart: true })
    await until(() => seqs(c).includes(30), 'record 30')
    await sleep(300)
    expectExactly(seqs(c), 1, 30)
    expect(runs()[0]).toContain('--no-tail')
    expect(runs().slice(1, 5).map((r) => r.find((a) => a.startsWith('--after-cursor=')))).toEqual([7, 14, 21, 28].map((n) => `--after-cursor=${cursor(n)}`))
    expect(c.logged(/journalctl -k: .*stand-in\.mjs exited with status 3 \(stand-in: dying as told\); starting it again in/, 'warn')).toBe(true)
  })

  test('a record cut off by the death is counted as bad, then read whole after the restart', async () => {
    process.env.STANDIN_DIE_AFTER = '4'
    process.env.STANDIN_DIE_MARK = path.join(dir, 'died')
    process.env.STANDIN_DIE_MIDLINE = '1'
    add(1, 10)
    const { c, f } = await follow({ fromStart: true })
    await until(() => seqs(c).includes(10), 'record 10')
    expectExactly(seqs(c), 1, 10)
    expect(f.status()[0]!.badRecords).toBe(1)
  })

  test('before any record was delivered, a restart starts at the time following began', async () => {
    process.env.STANDIN_DIE_AFTER = '0'
    process.env.STANDIN_DIE_MARK = path.join(dir, 'died')
    const began = Math.floor(Date.now() / 1000)
    const { c } = await follow()
    appendFileSync(records, `${record(1, { __REALTIME_TIMESTAMP: String(Date.now() * 1000) })}\n`) // the stand-in dies instead of printing it
    await until(() => runs().length >= 2, 'the restart')
    const since = Number(runs()[1]!.find((a) => a.startsWith('--since=@'))?.slice(9))
    expect(since).toBeGreaterThanOrEqual(began - 1)
    expect(since).toBeLessThanOrEqual(began + 1)
    await until(() => seqs(c).length === 1, 'record 1')
    await sleep(200)
    expect(seqs(c)).toEqual([1])
  })

  test('bad records are counted and logged; byte-array MESSAGE keeps its bytes; a newline in MESSAGE is escaped', async () => {
    const { c, f } = await follow()
    appendFileSync(records, [
      record(1),
      'this is not JSON',
      '["an", "array"]',
      JSON.stringify({ __CURSOR: cursor(2), MESSAGE: 'no timestamp' }),
      record(3, { MESSAGE: [115, 101, 113, 61, 51, 32, 0xff, 0xfe, 32, 73, 78, 61] }),
      record(4, { MESSAGE: [1, 300] }),
      record(5, { MESSAGE: 'seq=5 first\nseq=99 forged second line\r' }),
      record(6, { _HOSTNAME: 'evil host\u001b[2J' }),
      '',
    ].join('\n'))
    await until(() => c.text().includes('seq=6'), 'record 6')
    const lines = c.deliveries.map((d) => d.bytes).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0))
    const text = lines.toString('latin1').split('\n').slice(0, -1)
    expect(text.length).toBe(4)
    expect(lines.includes(Buffer.from([0x73, 0x65, 0x71, 0x3d, 0x33, 0x20, 0xff, 0xfe, 0x20, 0x49, 0x4e, 0x3d, 0x0a]))).toBe(true)
    expect(text[2]).toMatch(/ fw kernel: seq=5 first\\nseq=99 forged second line\\r$/)
    expect(text[3]).toMatch(/^\S+ evil_host_\[2J kernel: seq=6 /)
    expect(f.status()[0]!.badRecords).toBe(4)
    expect(c.logged(/bad record \(not JSON; 1 so far\): "this is not JSON"/, 'warn')).toBe(true)
    expect(c.logged(/bad record \(no valid __REALTIME_TIMESTAMP; 3 so far\)/, 'warn')).toBe(true)
    expect(c.logged(/bad record \(no valid MESSAGE; 4 so far\)/, 'warn')).toBe(true)
    expect(c.checkpoint('journalctl -k')).toEqual({ kind: 'journal', cursor: cursor(6) })
  })

  test('journalctl missing: the input is in error and retried, logged once', async () => {
    const c = new Collector()
    const f = new Follower([{ kind: 'journal' }], [], { log: c.log, journalctl: path.join(dir, 'no-journalctl'), retryMinMs: 30, retryMaxMs: 60 }, c.consumer)
    running.push(f)
    await f.start()
    await until(() => c.logs.filter((l) => l.level === 'debug').length >= 2, 'retries')
    expect(f.status()[0]).toMatchObject({ state: 'error', reason: 'no such file or directory' })
    expect(c.logs.filter((l) => l.level === 'warn').length).toBe(1)
  })

  test('PORTSLEUTH_JOURNALCTL names the command when the option does not', async () => {
    process.env.PORTSLEUTH_JOURNALCTL = STANDIN
    const c = new Collector()
    const f = new Follower([{ kind: 'journal' }], [], { log: c.log }, c.consumer)
    running.push(f)
    await f.start()
    await until(() => runs().length === 1, 'the stand-in to run')
    add(1, 1)
    await until(() => seqs(c).length === 1, 'record 1')
  })
})
