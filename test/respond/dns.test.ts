import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ptrName, resolverAddress, reverseLookup } from '../../src/respond/dns.js'
import { arpaName, DnsServer } from '../helpers/dns-server.js'

// Reverse DNS against a real DNS server on 127.0.0.1 (test/helpers/dns-server.ts).

let server: DnsServer
let silent: DnsServer
beforeAll(async () => {
  server = await DnsServer.start({ names: { '10.77.0.1': 'scanner-1.example.test', 'fd77::1': 'scanner-6.example.test', '10.77.0.9': 'evil\x1b[2J.example.test' } })
  silent = await DnsServer.start({ silent: true })
})
afterAll(async () => {
  await server.close()
  await silent.close()
})

const signal = new AbortController().signal

describe('ptrName', () => {
  test.each(['10.77.0.1', '203.0.113.250', 'fd77::1', '2001:db8::8:800:200c:417a', '::ffff:192.0.2.1'])('%s matches the test server', (ip) => {
    expect(ptrName(ip)).toBe(arpaName(ip))
  })
  test('RFC 3596 nibble order', () => {
    expect(ptrName('2001:db8::567:89ab')).toBe('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa')
    expect(resolverAddress({ host: '::1', port: 5353 })).toBe('[::1]:5353')
  })
})

describe('reverseLookup', () => {
  test('IPv4 and IPv6 PTR names from the given server', async () => {
    const lookup = reverseLookup({ host: '127.0.0.1', port: server.port }, 2000)
    expect(await lookup('10.77.0.1', signal)).toBe('scanner-1.example.test')
    expect(await lookup('fd77::1', signal)).toBe('scanner-6.example.test')
    expect(server.queries).toContain(`${arpaName('fd77::1')} 12`)
  })
  test('NXDOMAIN is null, not an error', async () => {
    expect(await reverseLookup({ host: '127.0.0.1', port: server.port }, 2000)('10.77.0.3', signal)).toBeNull()
  })
  test('a hostile PTR name never comes back raw', async () => {
    const got = await reverseLookup({ host: '127.0.0.1', port: server.port }, 2000)('10.77.0.9', signal).then((v) => v, (e: Error) => `error: ${e.message}`)
    expect(got).not.toContain('\x1b')
  })
  test('a server that never answers is an error, not "no name"', async () => {
    const started = Date.now()
    await expect(reverseLookup({ host: '127.0.0.1', port: silent.port }, 600)('10.77.0.1', signal)).rejects.toThrow('no answer from the DNS server')
    expect(Date.now() - started).toBeLessThan(3000)
  })
  test('aborting cancels the query', async () => {
    const ac = new AbortController()
    const pending = reverseLookup({ host: '127.0.0.1', port: silent.port }, 10_000)('10.77.0.1', ac.signal)
    setTimeout(() => ac.abort(), 50)
    await expect(pending).rejects.toThrow('cancelled')
  })
})
