import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { HostsDenyBlocker, hostsPattern, parseHostsDeny, withoutBlock } from '../../../src/respond/block/hosts-deny.js'
import { parseTarget } from '../../../src/respond/block/target.js'
import { tempDir } from '../../helpers/cli.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)

const ADMIN = '# /etc/hosts.deny\nsshd: 198.51.100.66\nALL: 203.0.113.5\n'
const decision = (target: string) => ({ ip: target, target, dangerLevel: 5, timeout: 0, reason: 'r' })

describe('hosts.deny patterns', () => {
  test.each([
    ['203.0.113.5', '203.0.113.5'],
    ['10.0.0.0/8', '10.0.0.0/255.0.0.0'],
    ['192.0.2.0/27', '192.0.2.0/255.255.255.224'],
    ['2001:db8::1', '[2001:db8::1]'],
    ['2001:db8::/64', '[2001:db8::]/64'],
  ])('%s → %s', (t, p) => expect(hostsPattern(parseTarget(t))).toBe(p))
})

describe('HostsDenyBlocker on a real file', () => {
  test('adds marked ALL lines once, removes only its own, keeps the admin lines and the mode', async () => {
    const file = path.join(dir, 'hosts.deny')
    writeFileSync(file, ADMIN)
    chmodSync(file, 0o640)
    const b = new HostsDenyBlocker(file)
    await b.block(decision('203.0.113.5'))
    await b.block(decision('203.0.113.5/32'))
    await b.block(decision('2001:db8::/64'))
    expect(readFileSync(file, 'utf8')).toBe(`${ADMIN}# portsleuth block 203.0.113.5/32\nALL: 203.0.113.5\n# portsleuth block 2001:db8::/64\nALL: [2001:db8::]/64\n`)
    expect(await b.list()).toEqual([{ target: '203.0.113.5/32', family: 4, expiresIn: null }, { target: '2001:db8::/64', family: 6, expiresIn: null }])
    await b.unblock({ target: '203.0.113.5' })
    // The admin's own `ALL: 203.0.113.5` stays: only marked pairs are ours.
    expect(readFileSync(file, 'utf8')).toBe(`${ADMIN}# portsleuth block 2001:db8::/64\nALL: [2001:db8::]/64\n`)
    expect(statSync(file).mode & 0o777).toBe(0o640)
    await b.shutdown('remove')
    expect(readFileSync(file, 'utf8')).toBe(ADMIN)
    expect(readdirSync(dir)).toEqual(['hosts.deny'])
  })
  test('concurrent blocks all land (one read-modify-write at a time)', async () => {
    const file = path.join(dir, 'concurrent.deny')
    const b = new HostsDenyBlocker(file)
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.block(decision(`192.0.2.${i + 1}`))))
    expect((await b.list()).length).toBe(20)
  })
  test('a missing file is created on block and is no error on unblock', async () => {
    const file = path.join(dir, 'sub-missing.deny')
    const b = new HostsDenyBlocker(file)
    await b.unblock({ target: '192.0.2.1' })
    expect(existsSync(file)).toBe(false)
    await b.block(decision('192.0.2.1'))
    expect(readFileSync(file, 'utf8')).toBe('# portsleuth block 192.0.2.1/32\nALL: 192.0.2.1\n')
  })
  test('an unwritable directory is a FirewallError and leaves no temp file', async () => {
    await expect(new HostsDenyBlocker(path.join(dir, 'no-such-dir', 'hosts.deny')).block(decision('192.0.2.1'))).rejects.toMatchObject({ code: 'firewall', exit: 5 })
  })
  test('a marker followed by an edited line is not ours', () => {
    const text = '# portsleuth block 192.0.2.1/32\nALL: 192.0.2.1 EXCEPT x\n'
    expect(parseHostsDeny(text)).toEqual([])
    expect(withoutBlock(text, null)).toBe(text)
  })
})
