import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, cli, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'
import { writeFileSync } from 'node:fs'
import { strictCsv } from '../helpers/strict-csv.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const log = path.join(dir, 'scan.log')
writeFileSync(log, `${range(150, 1000).map((p) => tcpLine({ dport: p })).join('\n')}\n`)

describe('outputs', () => {
  test('several outputs from one read, format from the extension, nothing on stdout', () => {
    const out = (n: string): string => path.join(dir, n)
    const r = cli(['analyze', log, '-o', out('r.json'), '-o', out('r.csv'), '-o', out('r.txt'), '-o', out('r.dshield')])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    expect(JSON.parse(readFileSync(out('r.json'), 'utf8')).sources[0].dangerLevel).toBe(3)
    expect(readFileSync(out('r.csv'), 'utf8').split('\n')[0]).toMatch(/^ip,danger_level,packets,/)
    expect(readFileSync(out('r.txt'), 'utf8')).toContain('[+] Top attackers:')
    expect(readFileSync(out('r.dshield'), 'utf8').split('\n').filter((l) => l !== '').length).toBe(150)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
  test('an unwritable output is exit 4 before any input is read', async () => {
    // stdin stays open: if the command read its input first it would hang here.
    const child = spawn(process.execPath, [BIN, 'analyze', '-', '-o', path.join(dir, 'no/such/dir/r.json')], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(4)
    expect(stderr).toContain('cannot write output')
  })
  test('a failed run leaves no output file behind, not even a partial one', () => {
    const target = path.join(dir, 'never.json')
    const r = cli(['analyze', log, '-o', target, '--signatures', path.join(dir, 'missing.sig')])
    expect(r.status).toBe(3)
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([])
  })
  test('CSV packet table streams psad --CSV rows with selected fields and criteria', () => {
    const r = cli(['analyze', log, '--format', 'csv', '--csv-table', 'packets', '--csv-fields', 'src dp:>1145 flags'])
    expect(r.status).toBe(0)
    expect(r.stdout.trim().split('\n')).toEqual(['src,dp,flags', ...range(4, 1146).map((p) => `203.0.113.5,${p},SYN`)])
  })
  test('hostile log prefixes (CR, CRLF, formula, quotes, NUL) stay one cell of one record in the packet CSV', () => {
    // A log line cannot hold LF (it ends the line); CR, a lone CR before LF, quotes and NUL it can.
    const prefixes: [string, string][] = [['DROP\r=1+1', 'DROP\r=1+1'], ['=1+1', "'=1+1"], ['q"x",y', 'q"x",y'], ['N\u0000UL', 'N\\x00UL'], ['\r=2+2', "'\r=2+2"]]
    const hostile = path.join(dir, 'hostile.log')
    writeFileSync(hostile, prefixes.map(([p], i) => `${tcpLine({ dport: 22 + i, prefix: `${p} ` })}\n`).join(''))
    const r = cli(['analyze', hostile, '--format', 'csv', '--csv-table', 'packets', '--csv-fields', 'dp log_prefix'])
    expect(r.status).toBe(0)
    const rows = strictCsv(r.stdout)
    expect(rows).toEqual([['dp', 'log_prefix'], ...prefixes.map(([, cell], i) => [String(22 + i), cell])])
  })
  test('usage errors: unknown table, unknown packet field, csv flags without csv, unknown extension', () => {
    expect(cli(['analyze', log, '--format', 'csv', '--csv-table', 'bogus']).status).toBe(2)
    expect(cli(['analyze', log, '--format', 'csv', '--csv-fields', 'nope']).status).toBe(2)
    expect(cli(['analyze', log, '--csv-table', 'ports']).status).toBe(2)
    expect(cli(['analyze', log, '-o', path.join(dir, 'x.xyz')]).status).toBe(2)
  })
})
