import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, cli, ROOT, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'

// Every input a run was given is in its report, read or not, with what went wrong; an interrupted
// run leaves no temporary files beside its -o targets.

const { dir, cleanup } = tempDir()
afterAll(cleanup)

const scanLines = (from: number, n: number): string => `${range(n, from).map((p) => tcpLine({ dport: p })).join('\n')}\n`
const good = path.join(dir, 'good.log')
writeFileSync(good, scanLines(1000, 150))

describe('inputs that name nothing readable are in the report', () => {
  const missing = path.join(dir, 'nope.log')
  const pattern = path.join(dir, 'none-*.log')
  const empty = path.join(dir, 'empty-dir')
  mkdirSync(empty)
  const args = ['analyze', good, missing, pattern, empty]

  test('JSON: each with its error, next to the inputs that were read; exit 4', () => {
    const r = cli([...args, '--format', 'json'])
    expect(r.status).toBe(4)
    const inputs = JSON.parse(r.stdout).inputs as { name: string; error: string | null; lines: number; bytes: number }[]
    const byName = new Map(inputs.map((i) => [i.name, i]))
    expect(byName.get(good)).toMatchObject({ lines: 150, error: null })
    expect(byName.get(missing)).toMatchObject({ lines: 0, bytes: 0, error: `${missing}: no such file or directory` })
    expect(byName.get(pattern)).toMatchObject({ error: `${pattern}: no file matches this pattern` })
    expect(byName.get(empty)).toMatchObject({ error: `${empty}: directory holds no files` })
    expect(inputs).toHaveLength(4)
  })

  test('text: each listed with ERROR', () => {
    const r = cli(args)
    expect(r.status).toBe(4)
    expect(r.stdout).toMatch(/^portsleuth \S+: 4 input\(s\)/)
    const flat = r.stdout.replace(/\s+/g, ' ')
    expect(flat).toContain(`input ${missing}: 0 lines, 0 bytes ERROR: ${missing}: no such file or directory`)
    expect(flat).toContain(`input ${pattern}: 0 lines, 0 bytes ERROR: ${pattern}: no file matches this pattern`)
  })
})

test('a truncated gzip reports gzip: true and the bytes actually read', () => {
  const whole = gzipSync(scanLines(1000, 2000))
  const cut = path.join(dir, 'cut.log.gz')
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)))
  const r = cli(['analyze', cut, '--format', 'json'])
  expect(r.status).toBe(4)
  expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ name: cut, gzip: true, bytes: statSync(cut).size })
})

describe('an interrupted run leaves no temporary files beside its targets', () => {
  // A large generated input arrives on a pipe that stays open, so the signal surely lands mid-read.
  test.each([['SIGTERM', 143], ['SIGINT', 130]] as const)('%s: exit %i, no target, no .tmp', async (signal, code) => {
    const out = path.join(dir, `out-${signal}`)
    mkdirSync(out)
    const child = spawn(process.execPath, [BIN, 'analyze', '-', '-o', path.join(out, 'r.json'), '-o', path.join(out, 'r.html'), '-o', path.join(out, 'p.csv'), '--csv-table', 'packets'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdin.on('error', () => {}) // the child is gone: EPIPE here is expected
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
    child.stdin.write(scanLines(1, 20_000))
    const deadline = Date.now() + 20_000
    while (readdirSync(out).filter((f) => f.endsWith('.tmp')).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toHaveLength(3)
    child.kill(signal)
    expect(await closed).toBe(code)
    expect(stderr).toBe('')
    expect(readdirSync(out)).toEqual([])
  })
})
