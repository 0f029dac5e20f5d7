import { describe, expect, test } from 'vitest'
import { TargetError } from '../../../src/core/errors.js'
import { contains, overlaps, parseAddress, parseTarget, widen } from '../../../src/respond/block/target.js'

describe('parseTarget: canonical CIDR with host bits cleared', () => {
  test.each([
    ['1.2.3.4', '1.2.3.4/32', 4],
    ['1.2.3.4/24', '1.2.3.0/24', 4],
    ['10.9.8.7/255.0.0.0', '10.0.0.0/8', 4],
    ['0.0.0.0/0', '0.0.0.0/0', 4],
    ['2001:DB8::1', '2001:db8::1/128', 6],
    ['2001:db8:0:0:1:2:3:4/64', '2001:db8::/64', 6],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128', 6],
    ['::ffff:1.2.3.4', '1.2.3.4/32', 4],
    ['::ffff:1.2.3.4/120', '1.2.3.0/24', 4],
    ['::ffff:0102:0304', '1.2.3.4/32', 4],
    ['fe80::1/10', 'fe80::/10', 6],
  ])('%s → %s', (text, cidr, family) => {
    const t = parseTarget(text)
    expect(t.cidr).toBe(cidr)
    expect(t.family).toBe(family)
    expect(parseTarget(t.cidr).cidr).toBe(cidr)
  })

  test.each([
    ['1.2.3.4; rm -rf /', 'expected an IPv4/IPv6 address'],
    ['--flush', 'expected an IPv4/IPv6 address'],
    ['-j ACCEPT', 'expected an IPv4/IPv6 address'],
    ['-1.2.3.4', 'expected an IPv4/IPv6 address'],
    [' 1.2.3.4', 'expected an IPv4/IPv6 address'],
    ['1.2.3.4\n', 'expected an IPv4/IPv6 address'],
    ['fe80::1%eth0', 'zone ids'],
    ['1.2.3.4/33', 'prefix length 33 is above 32'],
    ['2001:db8::/129', 'prefix length 129 is above 128'],
    ['1.2.3.4/-1', 'expected an IPv4/IPv6 address'],
    ['1.2.3.4/1.2', 'not a length'],
    ['1.2.3.4/255.0.255.0', 'not contiguous'],
    ['1.2.3.4/24/8', 'expected an IPv4/IPv6 address'],
    ['010.1.1.1', 'not a dotted-decimal'],
    ['0x7f.0.0.1', 'expected an IPv4/IPv6 address'],
    ['127.1', 'not a dotted-decimal'],
    ['1.2.3.256', 'not a dotted-decimal'],
    ['2001:db8::g', 'expected an IPv4/IPv6 address'],
    ['1:2:3:4:5:6:7:8:9', 'not a valid IPv6'],
    ['::ffff:1.2.3.4/64', 'IPv4-mapped network needs a prefix of 96'],
    ['', 'empty'],
    ['1'.repeat(100000), 'too long'],
  ])('%j is refused: %s', (text, why) => {
    expect(() => parseTarget(text)).toThrow(TargetError)
    expect(() => parseTarget(text)).toThrow(why)
  })

  test('the message quotes the value, bounded, and the error exits 2', () => {
    const e = (() => { try { parseTarget('x'.repeat(5000)) } catch (err) { return err as TargetError } })()!
    expect(e.exit).toBe(2)
    expect(e.message.length).toBeLessThan(200)
    expect(() => parseTarget('010.1.1.1')).toThrow(expect.objectContaining({ hint: expect.stringContaining('octal') }))
  })

  test('parseAddress wants one address', () => {
    expect(parseAddress('1.2.3.4').cidr).toBe('1.2.3.4/32')
    expect(parseAddress('::ffff:10.0.0.1').cidr).toBe('10.0.0.1/32')
    expect(parseAddress('1.2.3.4/32').cidr).toBe('1.2.3.4/32')
    expect(() => parseAddress('1.2.3.0/24')).toThrow('expected one address')
  })
})

describe('containment', () => {
  const t = parseTarget
  test('widen, contains, overlaps', () => {
    expect(widen(t('2001:db8:1:2:3:4:5:6'), 64).cidr).toBe('2001:db8:1:2::/64')
    expect(widen(t('10.1.2.3'), 8).cidr).toBe('10.0.0.0/8')
    expect(widen(t('10.0.0.0/8'), 16).cidr).toBe('10.0.0.0/8')
    expect(contains(t('10.0.0.0/8'), t('10.200.0.1'))).toBe(true)
    expect(contains(t('10.0.0.0/8'), t('11.0.0.1'))).toBe(false)
    expect(contains(t('10.0.0.1'), t('10.0.0.0/8'))).toBe(false)
    expect(contains(t('0.0.0.0/0'), t('::1'))).toBe(false)
    expect(contains(t('2001:db8::/63'), t('2001:db8:0:1::5'))).toBe(true)
    expect(contains(t('2001:db8::/64'), t('2001:db8:0:1::5'))).toBe(false)
    expect(overlaps(t('10.0.0.1'), t('10.0.0.0/8'))).toBe(true)
    expect(overlaps(t('10.0.0.0/9'), t('10.128.0.0/9'))).toBe(false)
  })
})
