import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, chmodSync, existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { UsageError } from '../../src/core/errors.js'
import { Follower } from '../../src/sources/follow/follower.js'
import { tempDir } from '../helpers/cli.js'
import { childRecords, Collector, type FollowChild, sleep, startChild, until } from '../helpers/follow.js'

// Several inputs at once: each runs on its own, and one that is missing or unreadable is logged
// and retried while the others go on.

const STANDIN = fileURLToPath(new URL('../helpers/journalctl-stand-in.mjs', import.meta.url))

let dir: string
let cleanup: () => void
const running: Follower[] = []
let child: FollowChild | null = null

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop()
  if (child !== null && child.child.exitCode === null) {
    child.child.kill('SIGKILL')
    await child.exited
  }
  child = null
  delete process.env.STANDIN_RECORDS
  delete process.env.STANDIN_ARGS
  cleanup()
})

// Root reads any file; without these two capabilities the file mode applies to root too.
const DROP_CAPS = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']
const canDropCaps = spawnSync(DROP_CAPS[0]!, [...DROP_CAPS.slice(1), 'true']).status === 0

describe('several inputs', () => {
  test('files, a FIFO and the journal together; a missing file is waited for and read whole once it appears', async () => {
    const a = path.join(dir, 'a.log')
    const b = path.join(dir, 'later', 'b.log') // not even its directory exists yet
    const fifo = path.join(dir, 'fifo')
    const records = path.join(dir, 'records.jsonl')
    writeFileSync(a, 'a0 before\n')
    writeFileSync(records, '')
    spawnSync('mkfifo', [fifo])
    process.env.STANDIN_RECORDS = records
    process.env.STANDIN_ARGS = path.join(dir, 'args.jsonl')
    const c = new Collector()
    const f = new Follower(
      [{ kind: 'file', path: a }, { kind: 'file', path: b }, { kind: 'fifo', path: fifo }, { kind: 'journal' }],
      [],
      { log: c.log, journalctl: STANDIN, pollMs: 50 },
      c.consumer,
    )
    running.push(f)
    await f.start()
    appendFileSync(a, 'a1\n')
    spawn('sh', ['-c', 'printf "f1\\n" > "$1"', 'sh', fifo])
    await until(() => existsSync(process.env.STANDIN_ARGS!), 'the stand-in to start (at the end of the records)')
    appendFileSync(records, `${JSON.stringify({ __CURSOR: 'c1', __REALTIME_TIMESTAMP: '1795000000000000', _HOSTNAME: 'fw', MESSAGE: 'j1' })}\n`)
    await until(() => c.text(a) === 'a1\n' && c.text(fifo) === 'f1\n' && c.text('journalctl -k').endsWith(' fw kernel: j1\n'), 'the three inputs')
    await sleep(300)
    expect(f.status().map((s) => [s.input, s.state, s.reason])).toEqual([
      [a, 'following', null],
      [b, 'waiting', 'no such file'],
      [fifo, 'following', null],
      ['journalctl -k', 'following', null],
    ])
    expect(c.logs.filter((l) => l.message.startsWith(`${b}:`) && l.level !== 'debug')).toEqual([{ level: 'info', message: `${b}: no such file; waiting for it to appear` }])
    spawnSync('mkdir', [path.dirname(b)])
    writeFileSync(b, 'b1\nb2\n')
    await until(() => c.text(b) === 'b1\nb2\n', 'the file that appeared, from its start')
    appendFileSync(a, 'a2\n')
    await until(() => c.text(a) === 'a1\na2\n', 'a again')
  })

  test.skipIf(!canDropCaps)('an unreadable file is logged and retried with back-off while the others go on', async () => {
    const locked = path.join(dir, 'locked.log')
    const open = path.join(dir, 'open.log')
    writeFileSync(locked, 'old, there before following began\n')
    writeFileSync(open, '')
    chmodSync(locked, 0o000)
    child = await startChild({ specs: [{ kind: 'file', path: locked }, { kind: 'file', path: open }], options: { pollMs: 50, retryMinMs: 100, retryMaxMs: 400 } }, DROP_CAPS)
    appendFileSync(open, 'open 1\n')
    appendFileSync(locked, 'locked 1\n')
    await until(() => childRecords(child!.stdout()).some((r) => r.text === 'open 1\n'), 'the readable file')
    await until(() => /^debug .*locked\.log: permission denied; retrying in 0\.4 s$/m.test(child!.stderr()), 'retries up to the longest delay')
    expect(child.stderr()).toContain(`warn ${locked}: permission denied; retrying in 0.1 s`) // logged once, retries at debug
    expect(child.stderr().match(/^warn .*locked\.log/gm)?.length).toBe(1)
    expect(child.stderr()).toMatch(/retrying in 0\.2 s$/m) // the delay doubles up to the maximum
    chmodSync(locked, 0o644)
    await until(() => childRecords(child!.stdout()).some((r) => r.input === locked && r.text !== ''), 'the file once readable')
    appendFileSync(open, 'open 2\n')
    await until(() => childRecords(child!.stdout()).some((r) => r.text === 'open 2\n'), 'the readable file again')
    const text = (input: string): string => childRecords(child!.stdout()).filter((r) => r.input === input).map((r) => r.text).join('')
    expect(text(locked)).toBe('locked 1\n') // a tail start: what it held at the start is skipped
    expect(text(open)).toBe('open 1\nopen 2\n')
    expect(child.stderr()).toContain(`info ${locked}: following ${locked} from offset 34`)
  })
})

describe('the Follower', () => {
  test('a consumer that throws stops every input; ended() rejects with its error', async () => {
    const a = path.join(dir, 'a.log')
    writeFileSync(a, '')
    const boom = new Error('state could not be saved')
    const f = new Follower([{ kind: 'file', path: a }], [], { pollMs: 50 }, (d) => {
      if (d.bytes.length > 0) throw boom
    })
    await f.start()
    appendFileSync(a, 'x\n')
    await expect(f.ended()).rejects.toBe(boom)
    expect(f.status()[0]!.state).toBe('stopped')
  })

  test('an input named twice, or none, is a usage error', () => {
    expect(() => new Follower([{ kind: 'file', path: 'a.log' }, { kind: 'file', path: `./a.log` }], [], {}, () => undefined)).toThrow(UsageError)
    expect(() => new Follower([{ kind: 'journal' }, { kind: 'journal' }], [], {}, () => undefined)).toThrow(/journalctl -k is given twice/)
    expect(() => new Follower([], [], {}, () => undefined)).toThrow(/nothing to follow/)
  })
})
