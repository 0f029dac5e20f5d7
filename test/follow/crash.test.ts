import { copyFileSync, existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { childRecords, expectExactly, type FollowChild, SeqWriter, seqsOf, sleep, startChild, until } from '../helpers/follow.js'

// kill -9 at unplanned moments: a follower process appends each delivery with its checkpoint to a
// file in one write (as watch saves its state and checkpoints together) and is killed, restarted
// from what it saved, while a writer keeps appending and the log is rotated both while it runs and
// while it is down. In the end every line is there exactly once.

let dir: string
let cleanup: () => void
let writer: NodeJS.Timeout | null = null
let child: FollowChild | null = null

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(async () => {
  if (writer !== null) clearInterval(writer)
  if (child !== null && child.child.exitCode === null) {
    child.child.kill('SIGKILL')
    await child.exited
  }
  cleanup()
})

test('kill -9 while following, rotations while running and while down: every line once', async () => {
  const file = path.join(dir, 'kern.log')
  const journal = path.join(dir, 'deliveries.jsonl')
  writeFileSync(file, '')
  const w = new SeqWriter(file)
  const args = { specs: [{ kind: 'file', path: file }], options: { fromStart: true, pollMs: 50, rotateGraceMs: 150 }, journal }
  const shift = (): void => {
    for (let i = 8; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    renameSync(file, `${file}.1`)
    writeFileSync(file, '')
  }
  const copyTruncate = (): void => {
    for (let i = 8; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    copyFileSync(file, `${file}.1`)
    truncateSync(file, 0)
  }
  writer = setInterval(() => w.write(3), 5)
  const rotations = [shift, copyTruncate, shift, copyTruncate, shift, shift]
  for (const [round, rotate] of rotations.entries()) {
    child = await startChild(args)
    await sleep(200 + Math.random() * 400)
    if (round % 2 === 0) rotate() // while running
    await sleep(Math.random() * 300)
    child.child.kill('SIGKILL')
    await child.exited
    if (round % 2 === 1) rotate() // while down
    await sleep(100)
  }
  clearInterval(writer)
  writer = null
  const last = w.next - 1
  child = await startChild(args)
  await until(() => existsSync(journal) && seqsOf(childRecords(readFileSync(journal, 'utf8')).map((r) => r.text).join('')).includes(last), `seq ${last}`, 30_000)
  await sleep(300)
  child.child.kill('SIGTERM')
  expect(await child.exited).toBe(0)
  const records = childRecords(readFileSync(journal, 'utf8'))
  expectExactly(seqsOf(records.map((r) => r.text).join('')), 1, last)
}, 120_000)
