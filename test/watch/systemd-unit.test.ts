import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'

// The systemd unit in contrib/ is checked by systemd's own verifier (no systemd runs on these machines,
// but `systemd-analyze verify` parses units offline). Its ExecStart is pointed at this checkout's CLI.

const UNIT = path.join(ROOT, 'contrib/systemd/portsleuth.service')
const { dir, cleanup } = tempDir()
afterAll(cleanup)

function verify(text: string, name: string): { status: number | null; output: string } {
  const file = path.join(dir, name)
  writeFileSync(file, text.replaceAll('/usr/local/bin/portsleuth', BIN))
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' })
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

const hasVerifier = spawnSync('systemd-analyze', ['--version']).status === 0

describe.runIf(hasVerifier)('systemd unit', () => {
  const text = readFileSync(UNIT, 'utf8')

  test('systemd-analyze verify accepts it without a warning', () => {
    const r = verify(text, 'portsleuth.service')
    expect(r.output).toBe('')
    expect(r.status).toBe(0)
  })

  test('the verifier does reject a broken unit (so the check above can fail)', () => {
    const r = verify(text.replace('Restart=on-failure', 'Restart=sometimes'), 'broken.service')
    expect(r.output).toMatch(/restart specifier/)
  })

  test('a supervised, restarted, hardened service that runs watch without root', () => {
    const keys = new Map(text.split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    expect(keys.get('Type')).toMatch(/^(exec|simple)$/)
    expect(keys.get('Restart')).toBe('on-failure')
    expect(keys.get('ExecStart')).toMatch(/portsleuth watch /)
    expect(keys.get('ExecReload')).toBe('/bin/kill -HUP $MAINPID')
    expect(keys.get('User')).toBe('portsleuth')
    expect(keys.get('AmbientCapabilities')).toBe('CAP_NET_ADMIN CAP_NET_RAW')
    for (const k of ['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'StateDirectory']) expect(keys.has(k), k).toBe(true)
  })
})
