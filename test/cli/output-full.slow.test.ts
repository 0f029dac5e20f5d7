import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'

// Outputs on a real full file system (a 64 KiB tmpfs this test mounts, nearly filled) and on device
// nodes this test makes in its own directory (never the system's /dev: a regression must not be
// able to replace /dev/full or /dev/null). Needs root for mount and mknod; CI runs as root.

const root = process.getuid?.() === 0
const { dir, cleanup } = tempDir()
const mnt = path.join(dir, 'full')
const log = path.join(dir, 'scan.log')
let mounted = false

// 200 sources scanning 20 ports each; the file system is filled to the last byte, so every output fails.
const line = (s: number, p: number): string =>
  `Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.${s} DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=${1000 + p} WINDOW=1024 RES=0x00 SYN URGP=0 `

beforeAll(() => {
  if (!root) return
  const lines: string[] = []
  for (let s = 0; s < 200; s++) for (let p = 0; p < 20; p++) lines.push(line(s, p))
  writeFileSync(log, `${lines.join('\n')}\n`)
  mkdirSync(mnt)
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0755', 'tmpfs', mnt], { encoding: 'utf8' })
  if (m.status !== 0) throw new Error(`mount failed: ${m.stderr}`)
  mounted = true
  fill()
})

// Fills the tmpfs completely (head stops at ENOSPC).
function fill(): void {
  spawnSync('sh', ['-c', `head -c 1048576 /dev/zero > '${path.join(mnt, 'filler')}'`])
}

afterAll(() => {
  if (mounted) spawnSync('umount', [mnt])
  cleanup()
})

function run(args: readonly string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
  return { status: r.status, stderr: r.stderr }
}

const leftovers = (d: string): string[] => readdirSync(d).filter((f) => f !== 'filler' && !f.startsWith('dev-'))

function mknod(name: string, minor: number): string {
  const p = path.join(dir, name)
  rmSync(p, { force: true })
  const r = spawnSync('mknod', ['-m', '666', p, 'c', '1', String(minor)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`mknod failed: ${r.stderr}`)
  return p
}

describe.skipIf(!root)('outputs on a full file system', () => {
  // One output that wrongly succeeds must not take the space the next test expects to be full.
  afterEach(() => {
    for (const f of leftovers(mnt)) rmSync(path.join(mnt, f), { force: true })
  })

  test.each([
    ['text', 'r.txt', []],
    ['json', 'r.json', []],
    ['html', 'r.html', []],
    ['csv sources', 'r.csv', []],
    ['csv packets', 'p.csv', ['--csv-table', 'packets']],
    ['dshield', 'r.dshield', []],
  ] as [string, string, string[]][])('%s: one line naming the output and the reason, exit 4, nothing left behind', (_name, file, extra) => {
    const target = path.join(mnt, file)
    const r = run(['analyze', log, '-o', target, ...extra])
    expect(r.stderr).toBe(`portsleuth: cannot write output ${target}: no space left on device\n`)
    expect(r.status).toBe(4)
    expect(leftovers(mnt)).toEqual([])
  })

  test('a report that fits is written whole', () => {
    rmSync(path.join(mnt, 'filler'))
    try {
      const target = path.join(mnt, 'r.csv')
      const r = run(['analyze', log, '-o', target])
      expect(r.status).toBe(0)
      expect(leftovers(mnt)).toEqual(['r.csv'])
      const whole = spawnSync(process.execPath, [BIN, 'analyze', log, '-f', 'csv'], { cwd: ROOT, encoding: 'utf8' }).stdout
      expect(readFileSync(target, 'utf8')).toBe(whole)
      rmSync(target)
    } finally {
      fill()
    }
  })
})

describe.skipIf(!root)('devices', () => {
  test('-o naming a device that refuses writes: exit 4 with the reason', () => {
    const full = mknod('dev-full.json', 7)
    const r = run(['analyze', log, '-o', full])
    expect(r.stderr).toBe(`portsleuth: cannot write output ${full}: no space left on device\n`)
    expect(r.status).toBe(4)
    expect(lstatSync(full).isCharacterDevice()).toBe(true)
  })

  test('a device is written in place, never replaced by a renamed file', () => {
    const nul = mknod('dev-null.json', 3)
    const r = run(['analyze', log, '-o', nul])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(lstatSync(nul).isCharacterDevice()).toBe(true)
  })

  test.each([
    ['a report format rendered after the JSON', ['-o', 'FULL.html']],
    ['a packet CSV streamed while reading', ['--csv-table', 'packets', '-o', 'FULL.csv']],
  ])('one failed output leaves none of the others: %s', (_name, extra) => {
    const out = path.join(dir, 'together')
    mkdirSync(out, { recursive: true })
    const target = path.join(out, 'r.json')
    const args = extra.map((a) => (a.startsWith('FULL') ? mknod(`dev-full${path.extname(a)}`, 7) : a))
    const r = run(['analyze', log, '-o', target, ...args])
    expect(r.stderr).toMatch(/^portsleuth: cannot write output \S+dev-full\.(html|csv): no space left on device\n$/)
    expect(r.status).toBe(4)
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(out)).toEqual([])
  })
})
