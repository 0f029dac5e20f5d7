import { afterEach, describe, expect, test } from 'vitest'
import { fixedClock } from '../../helpers/clock.js'
import { alertBody } from '../../../src/respond/alert/alert-mail.js'
import type { Channel } from '../../../src/respond/alert/channel.js'
import { EmailChannel, type EmailChannelOptions } from '../../../src/respond/alert/email.js'
import type { WatchEvent } from '../../../src/respond/alert/event.js'
import { blockEvent, firstAlert, HOSTILE, laterAlert } from '../../helpers/alert-events.js'
import { parseMime, SmtpSink } from '../../helpers/smtp-sink.js'

// The email channel against the real SMTP sink on loopback (test/helpers/smtp-sink.ts).

let sink: SmtpSink | null = null
let channel: EmailChannel | null = null
const logs: string[] = []
const notices: WatchEvent[] = []
afterEach(async () => {
  await channel?.close()
  channel = null
  await sink?.close()
  sink = null
  logs.length = 0
  notices.length = 0
})

async function start(over: Partial<EmailChannelOptions> = {}): Promise<EmailChannel> {
  sink = await SmtpSink.start()
  channel = new EmailChannel({
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', user: null, password: null, timeoutMs: 5000 },
    from: 'portsleuth@fw1',
    to: ['sec@example.org'],
    hostname: 'fw1',
    clock: fixedClock(Date.UTC(2026, 10, 22, 10, 0, 7)),
    log: (_l, m) => void logs.push(m),
    ...over,
  })
  channel.attach((e: WatchEvent, _from: Channel) => void notices.push(e))
  return channel
}

const subjects = (): string[] => sink!.messages.map((m) => parseMime(m.data).headers.subject!)
const at = (ip: string, dl = 2) => firstAlert({ ip, dangerLevel: dl })

const EXPECTED_BODY = `=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=- 2026-11-22T10:00:06.000Z =-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-

portsleuth alert from fw1

          Danger level: [3] (out of 5) Multi-Protocol
                Reason: danger level rose from 2 to 3
  Scanned destinations: 2
         New TCP ports: [40-209]
    Complete TCP range: [20-209]
         New UDP ports: [53]
    Complete UDP range: [53]
            Scan types: SYN (Nmap: -sS)
             TCP flags: [SYN: 190 packets]
                 Chain: INPUT, 191 packets
            Log prefix: "DROP", 191 packets
               Packets: 191 (171 since the previous alert)

                Source: 203.0.113.7
                   DNS: scanner.example.net
              OS guess: Linux 2.6 (p0f)

           Destination: 192.0.2.10
             TCP ports: [20-209]
               Packets: 190 (170 new)

           Destination: 192.0.2.11
             UDP ports: [53]
               Packets: 1 (1 new)

    Overall scan start: 2026-11-22T10:00:00.000Z
           Last packet: 2026-11-22T10:00:06.000Z
    Total email alerts: 1
    Syslog hostname(s): fw

[+] Signatures:
    "SCAN FIN"
        sid: 621, tcp, 3 packets (2 new), DL 2

[+] Log lines (the last 2):
    l1
    l2

[+] Whois information (source IP):

netname: EXAMPLE
country: ZZ

=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-
`

describe('EmailChannel', () => {
  test("one text-only mail per alert: psad's subject, the full body, enrichment waited for", async () => {
    const enrich = { wait: async () => new Promise<{ dns: string; whois: string }>((r) => setTimeout(() => r({ dns: 'scanner.example.net', whois: 'netname: EXAMPLE\ncountry: ZZ' }), 100)) }
    const ch = await start({ enrich })
    ch.send(laterAlert({ signatures: [{ sid: 621, psadId: null, msg: 'SCAN FIN', protocol: 'tcp', count: 3, dangerLevel: 2, newCount: 2 }], os: [{ os: 'Linux 2.6', method: 'p0f' }] }))
    const [got] = await sink!.waitFor(1)
    const msg = parseMime(got!.data)
    expect(got!.to).toEqual(['sec@example.org'])
    expect(msg.headers.subject).toBe('[portsleuth-alert] DL3 src: 203.0.113.7 dst: 192.0.2.10')
    expect(msg.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(msg.headers.date).toBe('Sun, 22 Nov 2026 10:00:07 +0000')
    expect(`${msg.body}\r\n`).toBe(EXPECTED_BODY.replace(/\n/g, '\r\n'))
  })

  test('a lookup slower than enrichWaitMs does not hold the mail: it goes without enrichment', async () => {
    const ch = await start({ enrich: { wait: async (_ip, ms) => new Promise((r) => setTimeout(() => r(null), ms)) }, enrichWaitMs: 50 })
    const t0 = performance.now()
    ch.send(firstAlert())
    const [got] = await sink!.waitFor(1)
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(parseMime(got!.data).body).not.toContain('DNS:')
  })

  test('EMAIL_LIMIT 2: two alert mails, then one status mail and a notice, then nothing', async () => {
    const ch = await start({ limit: 2, prefix: '[psad-alert]', statusPrefix: '[psad-status]' })
    for (let i = 0; i < 5; i++) ch.send(at('203.0.113.7'))
    ch.send(at('198.51.100.9'))
    await ch.flush(5000)
    expect(subjects()).toEqual([
      '[psad-alert] DL2 src: 203.0.113.7 dst: 192.0.2.10',
      '[psad-alert] DL2 src: 203.0.113.7 dst: 192.0.2.10',
      '[psad-status] email limit reached for src: 203.0.113.7',
      '[psad-alert] DL2 src: 198.51.100.9 dst: 192.0.2.10',
    ])
    expect(parseMime(sink!.messages[2]!.data).body).toContain('has sent 2 alert mails about 203.0.113.7 (EMAIL_LIMIT 2)')
    expect(notices).toEqual([{ type: 'notice', time: '2026-11-22T10:00:00.000Z', kind: 'email-limit', ip: '203.0.113.7', message: 'email limit reached for src: 203.0.113.7' }])
  })

  test('EMAIL_LIMIT_STATUS_MSG N: the notice still goes to the other channels, no status mail', async () => {
    const ch = await start({ limit: 1, limitStatusMsg: false })
    for (let i = 0; i < 3; i++) ch.send(at('203.0.113.7'))
    await ch.flush(5000)
    expect(subjects()).toEqual(['[portsleuth-alert] DL2 src: 203.0.113.7 dst: 192.0.2.10'])
    expect(notices).toHaveLength(1)
  })

  test('ENABLE_EMAIL_LIMIT_PER_DST: the limit is per (source, destination)', async () => {
    const ch = await start({ limit: 1, limitPerDst: true })
    const toDst = (dst: string) => firstAlert({ destinations: [{ ...firstAlert().destinations[0]!, ip: dst }] })
    ch.send(toDst('192.0.2.10'))
    ch.send(toDst('192.0.2.20'))
    ch.send(toDst('192.0.2.10'))
    await ch.flush(5000)
    expect(subjects()).toEqual([
      '[portsleuth-alert] DL2 src: 203.0.113.7 dst: 192.0.2.10',
      '[portsleuth-alert] DL2 src: 203.0.113.7 dst: 192.0.2.20',
      '[portsleuth-status] email limit reached for src: 203.0.113.7 -> 192.0.2.10',
    ])
    expect(notices.map((n) => (n.type === 'notice' ? n.message : ''))).toEqual(['email limit reached for src: 203.0.113.7 dst: 192.0.2.10'])
  })

  test('EMAIL_THROTTLE 3: the 1st, 4th and 7th alert of a source are mailed (as psad documents)', async () => {
    const ch = await start({ throttle: 3 })
    for (let dl = 1; dl <= 7; dl++) ch.send(firstAlert({ dangerLevel: dl, reason: `alert ${dl}` }))
    await ch.flush(5000)
    expect(subjects().map((s) => s.split(' ')[1])).toEqual(['DL1', 'DL4', 'DL7'])
  })

  test('digest: alerts collected into one mail per interval; flush sends what is collected', async () => {
    const ch = await start({ digestMs: 60_000 })
    ch.send(at('203.0.113.7', 2))
    ch.send(at('203.0.113.7', 3))
    ch.send(at('198.51.100.9', 4))
    await new Promise((r) => setTimeout(r, 200))
    expect(sink!.messages).toHaveLength(0)
    await ch.flush(5000)
    expect(subjects()).toEqual(['[portsleuth-alert] digest: 3 alerts from 2 sources, highest DL 4'])
    const body = parseMime(sink!.messages[0]!.data).body
    expect(body.match(/portsleuth alert from fw1/g)).toHaveLength(3)
  })

  test('digest: the interval timer sends the mail without a flush', async () => {
    const ch = await start({ digestMs: 300 })
    ch.send(at('203.0.113.7', 2))
    ch.send(at('198.51.100.9', 2))
    const [got] = await sink!.waitFor(1, 3000)
    expect(parseMime(got!.data).headers.subject).toBe('[portsleuth-alert] digest: 2 alerts from 2 sources, highest DL 2')
    ch.send(at('203.0.113.7', 3))
    await sink!.waitFor(2, 3000)
    expect(subjects()[1]).toBe('[portsleuth-alert] digest: 1 alert from 1 source, highest DL 3')
  })

  test('the counters survive snapshot/restore through JSON (a restart)', async () => {
    const ch = await start({ limit: 1 })
    ch.send(at('203.0.113.7'))
    await ch.flush(5000)
    const state = JSON.parse(JSON.stringify(ch.snapshot()))
    await ch.close()
    const again = new EmailChannel({ ...(ch as unknown as { o: EmailChannelOptions }).o })
    again.restore(state)
    again.send(at('203.0.113.7'))
    await again.flush(5000)
    await again.close()
    expect(subjects()).toEqual(['[portsleuth-alert] DL2 src: 203.0.113.7 dst: 192.0.2.10', '[portsleuth-status] email limit reached for src: 203.0.113.7'])
  })

  test('block and unblock events are status mails', async () => {
    const ch = await start()
    ch.send(blockEvent({ commands: [['iptables', '-I', 'PORTSLEUTH_BLOCK', '1', '-s', '203.0.113.7', '-j', 'DROP']] }))
    ch.send(blockEvent({ type: 'unblock' }))
    ch.send({ type: 'notice', time: '2026-11-22T10:00:00.000Z', kind: 'block-cap', message: 'block cap reached' })
    await ch.flush(5000)
    expect(subjects()).toEqual(['[portsleuth-status] added iptables auto-block against 203.0.113.7 for 3600 seconds', '[portsleuth-status] removed iptables auto-block against 203.0.113.7'])
    expect(parseMime(sink!.messages[0]!.data).body).toContain('Command: iptables -I PORTSLEUTH_BLOCK 1 -s 203.0.113.7 -j DROP')
  })

  test('hostile text: subject stays one header line, body shows escapes', async () => {
    const ch = await start({ prefix: '[alert]\r\nBcc: x@evil' })
    ch.send(firstAlert({ logPrefixes: { [HOSTILE]: 1 }, signatures: [{ sid: 1, psadId: null, msg: HOSTILE, protocol: 'tcp', count: 1, dangerLevel: 2, newCount: 1 }] }))
    const [got] = await sink!.waitFor(1)
    const msg = parseMime(got!.data)
    expect(got!.to).toEqual(['sec@example.org'])
    expect(msg.headers.bcc).toBeUndefined()
    expect(msg.headers.subject).toBe('[alert] Bcc: x@evil DL2 src: 203.0.113.7 dst: 192.0.2.10')
    expect(msg.body).toContain('Log prefix: "evil\\x0a<13>Nov 22 10:00:00 fw psad: scan detected: 6.6.6.6 -> x %s%n $(touch /tmp/pwn) `id` \\x1b[31mred\\x1b[0m \\u{202e}abc", 1 packet')
    expect(msg.body).not.toMatch(/[\x1b\u202e]/)
  })

  test('a refused mail is logged with the server and its reply; test() rejects with it', async () => {
    sink = await SmtpSink.start({ rcpt: () => '550 5.1.1 no such user' })
    const port = sink.port
    channel = new EmailChannel({
      smtp: { host: '127.0.0.1', port, tls: 'none', user: null, password: null, timeoutMs: 5000 },
      from: 'portsleuth@fw1', to: ['nobody@example.org'], hostname: 'fw1', clock: fixedClock(0), log: (_l, m) => void logs.push(m),
    })
    channel.send(firstAlert())
    await channel.flush(5000)
    expect(logs).toEqual([`email: could not deliver the alert mail via smtp://127.0.0.1:${port}: every recipient refused: nobody@example.org (550 5.1.1 no such user)`])
    await expect(channel.test(firstAlert({ test: true }))).rejects.toThrow('every recipient refused')
  })

  test('a test alert is marked in subject and body', () => {
    expect(alertBody(firstAlert({ test: true }), { hostname: 'fw1' })).toContain('*** TEST ALERT')
  })
})
