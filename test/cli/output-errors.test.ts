import { spawnSync } from 'node:child_process'
import { closeSync, openSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'

// Standard output that cannot be written: /dev/full answers every write with ENOSPC, as a full disk
// does. Every format must fail the same way: one line naming the output and the reason, exit 4, no
// stack. (-o FILE on a full file system: output-full.slow.test.ts, which needs root for its tmpfs.)

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const log = path.join(dir, 'scan.log')
writeFileSync(log, `${range(150, 1000).map((p) => tcpLine({ dport: p })).join('\n')}\n`)

const FORMATS: [string, string[]][] = [
  ['text', ['-f', 'text']],
  ['json', ['-f', 'json']],
  ['html', ['-f', 'html']],
  ['csv sources', ['-f', 'csv']],
  ['csv packets', ['-f', 'csv', '--csv-table', 'packets']],
  ['dshield', ['-f', 'dshield']],
]

function runWithStdout(args: readonly string[], stdoutFile: string): { status: number | null; stderr: string } {
  const fd = openSync(stdoutFile, 'w')
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
    return { status: r.status, stderr: r.stderr }
  } finally {
    closeSync(fd)
  }
}

describe('standard output on a full device', () => {
  test.each(FORMATS)('%s: one line on stderr, exit 4', (_name, format) => {
    const r = runWithStdout(['analyze', log, ...format], '/dev/full')
    expect(r.stderr).toBe('portsleuth: cannot write standard output: no space left on device\n')
    expect(r.status).toBe(4)
  })

  test('config show too', () => {
    const r = runWithStdout(['config', 'show'], '/dev/full')
    expect(r.stderr).toBe('portsleuth: cannot write standard output: no space left on device\n')
    expect(r.status).toBe(4)
  })
})
