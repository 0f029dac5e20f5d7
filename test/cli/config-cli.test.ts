import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cli, tempDir } from '../helpers/cli.js'
import { tcpLine } from '../helpers/lines.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const file = (name: string, content: string): string => {
  const p = path.join(dir, name)
  mkdirSync(path.dirname(p), { recursive: true })
  writeFileSync(p, content)
  return p
}

describe('config check', () => {
  test.skipIf(!existsSync('/etc/psad/psad.conf'))("Debian's /etc/psad passes with only the expected warnings", () => {
    const r = cli(['config', 'check', '--psad-dir', '/etc/psad'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^config +\/etc\/psad\/psad\.conf: \d+ keys/m)
    expect(r.stdout).toMatch(/^auto_dl +\/etc\/psad\/auto_dl: 0 entries +\(--psad-dir\)$/m)
    expect(r.stdout).toMatch(/^signatures +\/etc\/psad\/signatures: 206 signatures/m)
    expect(r.stdout.trimEnd().endsWith('OK')).toBe(true)
    // Expected: two odd options in one shipped signature and posf lines without ';' — nothing else.
    const warnings = r.stdout.split('\n').filter((l) => /^ {2}\/etc\/psad\//.test(l))
    expect(warnings.length).toBeGreaterThan(0)
    for (const w of warnings) expect(w).toMatch(/^ {2}\/etc\/psad\/(signatures|posf):\d+: /)
    expect(r.stdout).toMatch(/accepted but not used by portsleuth \(\d+ keys\):/)
    expect(r.stdout).toContain('DSHIELD_ALERT_EMAIL')
    expect(r.stdout.match(/\bDSHIELD_ALERT_EMAIL\b/g)?.length).toBe(1)
  })
  test('every broken file is reported with file:line, exit 3', () => {
    const conf = file('broken/psad.conf', `AUTO_DL_FILE ${dir}/broken/auto_dl;\nSNORT_RULE_DL_FILE ${dir}/broken/snort_rule_dl;\n`)
    file('broken/auto_dl', '# ok\n192.168.10.0/24 5;\n10.0.0.1 9;\n')
    file('broken/snort_rule_dl', '2284 x;\n')
    const r = cli(['config', 'check', '-c', conf, '--no-os', '--no-signatures'])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`${dir}/broken/auto_dl:3: invalid danger level '9' in auto_dl entry: expected 0-5`)
    expect(r.stderr).toContain(`${dir}/broken/snort_rule_dl:1: invalid danger level 'x' in snort_rule_dl: expected 0-5`)
    expect(r.stdout.trimEnd().endsWith('2 errors')).toBe(true)
  })
  test('--psad-dir: missing optional files are fine, a missing psad.conf is an error', () => {
    const d = path.join(dir, 'minimal')
    file('minimal/psad.conf', 'DANGER_LEVEL1 5;\n')
    const ok = cli(['config', 'check', '--psad-dir', d])
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(new RegExp(`^auto_dl +${d}/auto_dl: absent +\\(--psad-dir\\)$`, 'm'))
    expect(ok.stdout).not.toContain('warnings')
    const bad = cli(['config', 'check', '--psad-dir', path.join(dir, 'nothing-here')])
    expect(bad.status).toBe(3)
    expect(bad.stderr).toContain('no psad.conf in that directory')
  })
  test('--auto-dl and --reputation files given on the command line must exist', () => {
    const r = cli(['config', 'check', '--auto-dl', path.join(dir, 'no-such-auto_dl')])
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/auto_dl .*no-such-auto_dl \(from --auto-dl\): not found/)
    const list = file('lists/drop.txt', '; header\n203.0.113.0/24 ; SBL1\n2001:db8::/32\n')
    const ok = cli(['config', 'check', '--reputation', `${list}:5:Spamhaus DROP`, '--no-os', '--no-signatures'])
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toContain(`reputation     ${list}: 'Spamhaus DROP' DL 5: 2 entries, 1 lines without an address  (--reputation)`)
  })
})

describe('config show', () => {
  test('each value says where it came from: default, file:line or flag', () => {
    const auto = file('show/auto_dl', '192.168.10.55 5;\n')
    const conf = file('show/psad.conf', `# comment\n\nDANGER_LEVEL2 20;\nAUTO_DL_FILE ${auto};\nMIN_DANGER_LEVEL 2;\nDSHIELD_ALERT_EMAIL reports@dshield.org;\nEMAIL_ADDRESSES root@localhost;\n`)
    const r = cli(['config', 'show', '-c', conf, '--min-dl', '3', '--conntrack', 'keep', '--json'])
    expect(r.status, r.stderr).toBe(0)
    const rows = new Map((JSON.parse(r.stdout) as { key: string; value: string; from: string }[]).map((x) => [x.key, x]))
    expect(rows.get('DANGER_LEVEL1')).toMatchObject({ value: '5', from: 'default' })
    expect(rows.get('DANGER_LEVEL2')).toMatchObject({ value: '20', from: `${conf}:3` })
    expect(rows.get('AUTO_DL_FILE')).toMatchObject({ value: auto, from: `${conf}:4` })
    expect(rows.get('MIN_DANGER_LEVEL')).toMatchObject({ value: '3', from: '--min-dl' })
    expect(rows.get('IGNORE_CONNTRACK_BUG_PKTS')).toMatchObject({ value: 'N', from: '--conntrack' })
    expect(rows.get('restrict-ip')).toMatchObject({ value: 'NONE', from: 'default' })
    expect(rows.has('DSHIELD_ALERT_EMAIL')).toBe(false)
    expect(rows.get('EMAIL_ADDRESSES')).toMatchObject({ value: 'root@localhost', from: `${conf}:7` })
    const text = cli(['config', 'show', '-c', conf, '--min-dl', '3'])
    expect(text.stdout).toMatch(/^KEY +VALUE +FROM$/m)
    expect(text.stdout).toMatch(new RegExp(`^DANGER_LEVEL2 +20 +${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3$`, 'm'))
    expect(text.stdout).toMatch(/^MIN_DANGER_LEVEL +3 +--min-dl$/m)
    expect(text.stdout).toMatch(/^DANGER_LEVEL1 +5 +default$/m)
  })
})

describe('analyze --verbose', () => {
  test('lists a key portsleuth does not use once, however often it is set', () => {
    const conf = file('verbose/psad.conf', 'DSHIELD_ALERT_EMAIL a@b;\nDSHIELD_ALERT_EMAIL c@d;\nHOSTNAME x;\n')
    const log = file('verbose/kern.log', `${tcpLine({ dport: 22 })}\n`)
    const r = cli(['analyze', log, '-c', conf, '--verbose'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('configuration keys not used by portsleuth: DSHIELD_ALERT_EMAIL, HOSTNAME')
  })
})

describe('config check and portsleuth.conf', () => {
  test('a given portsleuth.conf is checked: listed when good, exit 3 with file:line when not', () => {
    const good = file('pconf/good.conf', 'BLOCK_MAX 5;\nALLOW 192.0.2.0/24;\n')
    const ok = cli(['config', 'check', '--config-file', good])
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toContain(`portsleuth.conf ${good}: watch settings  (--config-file)`)
    const bad = file('pconf/bad.conf', 'BLOCK_MAX 5;\nWEBHOOK_URL ftp://x;\n')
    const r = cli(['config', 'check', '--config-file', bad])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`${bad}:2: invalid value 'ftp://x' for WEBHOOK_URL: expected an http:// or https:// URL`)
  })
})
