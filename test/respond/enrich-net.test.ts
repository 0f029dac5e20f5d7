import { describe, expect, test } from 'vitest'
import { enrichRequest } from '../../src/cli/flags.js'
import { UsageError } from '../../src/core/errors.js'
import { parseServer } from '../../src/respond/server-address.js'

describe('parseServer', () => {
  test.each([
    ['127.0.0.1', 53, { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', 53, { host: '127.0.0.1', port: 5353 }],
    ['::1', 53, { host: '::1', port: 53 }],
    ['[::1]', 53, { host: '::1', port: 53 }],
    ['[fd00::53]:5300', 53, { host: 'fd00::53', port: 5300 }],
  ])('DNS %s', (text, port, want) => {
    expect(parseServer(text, '--dns-server', port, true)).toEqual(want)
  })
  test.each([['whois.ripe.net', { host: 'whois.ripe.net', port: 43 }], ['whois.internal.example:4343', { host: 'whois.internal.example', port: 4343 }]])('whois %s', (text, want) => {
    expect(parseServer(text, '--whois-server', 43, false)).toEqual(want)
  })
  test.each([
    ['ns.example.net', true, 'is not an IP address'],
    ['127.0.0.1:0', true, 'port outside 1-65535'],
    ['127.0.0.1:70000', true, 'port outside 1-65535'],
    ['[whois.example]:43', false, 'brackets'],
    ['who is', false, 'not a host name'],
    ['a:b:c', false, 'not host[:port]'],
    ['', false, 'not host[:port]'],
  ])('%j is refused', (text, ipOnly, why) => {
    expect(() => parseServer(text, '--x', 53, ipOnly)).toThrow(UsageError)
    expect(() => parseServer(text, '--x', 53, ipOnly)).toThrow(why)
  })
})

describe('enrichRequest', () => {
  test('off unless --dns or --whois', () => {
    expect(enrichRequest({ 'enrich-min-dl': 3, 'enrich-max': 50, 'enrich-timeout': 10 })).toBeNull()
  })
  test('defaults: DL 3+, 50 sources, 10 s, system resolver and ARIN', () => {
    expect(enrichRequest({ dns: true, whois: true })).toEqual({ dns: true, whois: true, minDangerLevel: 3, max: 50, timeoutMs: 10_000, dnsServer: null, whoisServer: null })
  })
  test('servers are validated before any log is read', () => {
    expect(enrichRequest({ dns: true, 'dns-server': '[::1]:5353' })?.dnsServer).toEqual({ host: '::1', port: 5353 })
    expect(() => enrichRequest({ dns: true, 'dns-server': 'resolver.example' })).toThrow("--dns-server: 'resolver.example' is not an IP address")
  })
  test('a server flag without its lookup is a usage error', () => {
    expect(() => enrichRequest({ 'whois-server': 'whois.ripe.net' })).toThrow('--whois-server needs --whois')
    expect(() => enrichRequest({ whois: true, 'dns-server': '127.0.0.1' })).toThrow('--dns-server needs --dns')
  })
})
