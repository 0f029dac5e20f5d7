import { spawn, spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { InputError } from '../../src/core/errors.js'
import { Follower } from '../../src/sources/follow/follower.js'
import { tempDir } from '../helpers/cli.js'
import { childRecords, Collector, startChild, until } from '../helpers/follow.js'

// FIFOs (syslog writing into a named pipe, psad's kmsgsd setup) and standard input.

let dir: string
let cleanup: () => void
const running: Follower[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop()
  cleanup()
})

function mkfifo(p: string): void {
  const r = spawnSync('mkfifo', [p])
  if (r.status !== 0) throw new Error(`mkfifo: ${r.stderr}`)
}

/** A writer process that opens the FIFO, writes `text` and exits. */
function writeFifo(p: string, text: string): Promise<number | null> {
  const child = spawn('sh', ['-c', 'printf "%s" "$1" > "$2"', 'sh', text, p])
  return new Promise((resolve) => child.once('close', resolve))
}

describe('FIFO', () => {
  test('two writers one after the other: both are read, the FIFO stays open between them', async () => {
    const fifo = path.join(dir, 'psadfifo')
    mkfifo(fifo)
    const c = new Collector()
    const f = new Follower([{ kind: 'fifo', path: fifo }], [], { log: c.log }, c.consumer)
    running.push(f)
    await f.start()
    expect(await writeFifo(fifo, 'first 1\nfirst 2\n')).toBe(0)
    await until(() => c.text().includes('first 2\n'), 'the first writer')
    expect(await writeFifo(fifo, 'second 1\nsecond 2 without newline')).toBe(0)
    expect(await writeFifo(fifo, ' until now\n')).toBe(0)
    await until(() => c.text().includes('until now'), 'the later writers')
    expect(c.text()).toBe('first 1\nfirst 2\nsecond 1\nsecond 2 without newline until now\n')
    expect(c.deliveries.every((d) => d.checkpoint === null && d.input === fifo && d.bytes.at(-1) === 10)).toBe(true)
    expect(f.status()[0]).toMatchObject({ kind: 'fifo', state: 'following', lines: 4 })
  })

  test('a FIFO removed and made again is opened again', async () => {
    const fifo = path.join(dir, 'psadfifo')
    mkfifo(fifo)
    const c = new Collector()
    const f = new Follower([{ kind: 'fifo', path: fifo }], [], { log: c.log, retryMinMs: 50 }, c.consumer)
    running.push(f)
    await f.start()
    await writeFifo(fifo, 'before\n')
    await until(() => c.text() === 'before\n', 'the first line')
    rmSync(fifo)
    mkfifo(fifo)
    await until(() => c.logged(/replaced by a new FIFO/), 'the reopen')
    await writeFifo(fifo, 'after\n')
    await until(() => c.text() === 'before\nafter\n', 'the line written to the new FIFO')
  })

  test('start() refuses a missing path and a path that is not a FIFO', async () => {
    const missing = new Follower([{ kind: 'fifo', path: path.join(dir, 'nope') }], [], {}, () => undefined)
    await expect(missing.start()).rejects.toThrow(InputError)
    await expect(missing.start()).rejects.toThrow(/nope: no such file or directory/)
    const plain = path.join(dir, 'plain')
    writeFileSync(plain, '')
    await expect(new Follower([{ kind: 'fifo', path: plain }], [], {}, () => undefined).start()).rejects.toThrow(/plain: not a FIFO/)
  })
})

describe('standard input', () => {
  test('lines arrive whole across writes; EOF ends the input with the last line completed', async () => {
    const child = await startChild({ specs: [{ kind: 'stdin' }] })
    child.child.stdin!.write('one\ntw')
    await until(() => child.stdout().includes('one'), 'the first line')
    expect(childRecords(child.stdout()).map((r) => r.text)).toEqual(['one\n'])
    child.child.stdin!.write('o\nthree')
    child.child.stdin!.end()
    expect(await child.exited).toBe(0)
    const records = childRecords(child.stdout())
    expect(records.map((r) => r.text).join('')).toBe('one\ntwo\nthree\n')
    expect(records.every((r) => r.input === '-' && r.checkpoint === null)).toBe(true)
    expect(child.stderr()).toMatch(/^info -: end of input$/m)
    expect(child.stderr()).toMatch(/"state":"ended"/)
  })
})
