import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { registryReferral, whoisLookup } from '../../src/respond/whois.js'
import { WhoisServer } from '../helpers/whois-server.js'

// whois against a real server on 127.0.0.1 (test/helpers/whois-server.ts), and the referral policy.

let server: WhoisServer
let elsewhere: WhoisServer
beforeAll(async () => {
  elsewhere = await WhoisServer.start(() => 'secret: from a server nobody chose\r\n')
  const lure = `127.0.0.1:${elsewhere.port}`
  server = await WhoisServer.start((q) => {
    if (q === '10.77.0.4') return null
    // Every referral spelling the package would follow, pointing at another loopback server.
    return `NetName: TEST-${q}\r\nReferralServer: whois://${lure}\r\nrefer: ${lure}\r\nWhois Server: ${lure}\r\nremarks: see rwhois://${lure}\r\n`
  })
})
afterAll(async () => {
  await server.close()
  await elsewhere.close()
})

describe('whoisLookup with --whois-server', () => {
  test('one query line per address, IPv4 and IPv6, referrals not followed', async () => {
    const lookup = whoisLookup({ host: '127.0.0.1', port: server.port }, 2000)
    expect(await lookup('10.77.0.1')).toMatch(/^NetName: TEST-10\.77\.0\.1\r\n/)
    expect(await lookup('fd77::1')).toMatch(/^NetName: TEST-fd77::1\r\n/)
    expect(server.queries).toEqual(['10.77.0.1', 'fd77::1'])
    expect(elsewhere.connections).toBe(0)
  })
  test('UTF-8 split across reads is decoded whole', async () => {
    const raw = createServer((socket) => {
      socket.once('data', () => {
        const bytes = Buffer.from('descr: Zürich AG\n', 'utf8')
        socket.write(bytes.subarray(0, 9)) // ends inside "ü"
        setTimeout(() => socket.end(bytes.subarray(9)), 20)
      })
    })
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
    const port = (raw.address() as { port: number }).port
    expect(await whoisLookup({ host: '127.0.0.1', port }, 2000)('10.77.0.1')).toBe('descr: Zürich AG\n')
    raw.close()
  })
  test('a server that never answers: rejected after the timeout', async () => {
    const started = Date.now()
    await expect(whoisLookup({ host: '127.0.0.1', port: server.port }, 300)('10.77.0.4')).rejects.toThrow(`no answer from 127.0.0.1:${server.port}`)
    expect(Date.now() - started).toBeLessThan(2000)
  })
  test('connection refused says where', async () => {
    const closed = await WhoisServer.start(() => '')
    const port = closed.port
    await closed.close()
    await expect(whoisLookup({ host: '127.0.0.1', port }, 1000)('10.77.0.1')).rejects.toThrow(`connection refused by 127.0.0.1:${port}`)
  })
})

describe('registryReferral', () => {
  test('ARIN pointing at another RIR: followed on port 43, RPSL servers without personal objects', () => {
    expect(registryReferral('NetName: RIPE-CIDR-BLOCK\nReferralServer:  whois://whois.ripe.net\nResourceLink: https://apps.db.ripe.net')).toEqual({ host: 'whois.ripe.net', port: 43, query: '-r $addr\r\n' })
    expect(registryReferral('ReferralServer: whois://WHOIS.APNIC.NET:43/\r\n')).toEqual({ host: 'whois.apnic.net', port: 43, query: '-r $addr\r\n' })
    expect(registryReferral('ReferralServer: whois://whois.lacnic.net\n')).toEqual({ host: 'whois.lacnic.net', port: 43, query: '$addr\r\n' })
  })
  test.each([
    ['an rwhois server of the registrant', 'ReferralServer: rwhois://rwhois.example.net:4321'],
    ['a whois server that is not a registry', 'ReferralServer: whois://whois.example.net'],
    ['a registry on another port', 'ReferralServer: whois://whois.ripe.net:6379'],
    ['a referral inside a remark', 'remarks: ReferralServer: whois://whois.ripe.net'],
    ['a refer: line', 'refer: whois.ripe.net'],
    ['a loopback address', 'ReferralServer: whois://127.0.0.1:43'],
  ])('not followed: %s', (_, text) => {
    expect(registryReferral(text)).toBeNull()
  })
})
