import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'

// "Did you mean analyze?" on a real pseudo-terminal (util-linux `script`): asked only when standard
// input and output are both the terminal; answered yes it runs the command, no it fails as usual.

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const log = path.join(dir, 'scan.log')
writeFileSync(log, `${range(150, 1000).map((p) => tcpLine({ dport: p })).join('\n')}\n`)
const hasScript = spawnSync('script', ['--version']).status === 0
const quote = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`
const command = (redirect = ''): string => `${[process.execPath, BIN, 'analyse', log, '--top', '1'].map(quote).join(' ')}${redirect}`

function onTty(shell: string, answer: string): { status: number | null; screen: string } {
  const r = spawnSync('script', ['-qec', shell, '/dev/null'], { cwd: ROOT, input: answer, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, timeout: 60_000 })
  return { status: r.status, screen: r.stdout }
}

describe.skipIf(!hasScript)('did you mean, on a terminal', () => {
  test('asked; yes runs analyze with the same arguments', () => {
    const r = onTty(command(), 'y\n')
    expect(r.screen).toContain('Did you mean')
    expect(r.screen).toContain('[+] Top attackers:')
    expect(r.status).toBe(0)
  })

  test('asked; no is the usual error, exit 2', () => {
    const r = onTty(command(), 'n\n')
    expect(r.screen).toContain('Did you mean')
    expect(r.screen).toContain("portsleuth: 'analyse' is not a portsleuth command")
    expect(r.status).toBe(2)
  })

  test('not asked when standard output is redirected: nothing written into the report file', () => {
    const out = path.join(dir, 'report.txt')
    const r = onTty(command(` > ${quote(out)}`), '')
    expect(r.screen).not.toContain('Did you mean')
    expect(r.screen).toContain("hint: did you mean 'portsleuth analyze'?")
    expect(readFileSync(out, 'utf8')).toBe('')
    expect(r.status).toBe(2)
  })
})
