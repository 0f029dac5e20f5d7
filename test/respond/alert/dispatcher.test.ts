import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, describe, expect, test } from 'vitest'
import { fixedClock } from '../../helpers/clock.js'
import { ConfigError } from '../../../src/core/errors.js'
import type { Channel, ChannelKind } from '../../../src/respond/alert/channel.js'
import { alertingMethods, Dispatcher } from '../../../src/respond/alert/dispatcher.js'
import { EmailChannel } from '../../../src/respond/alert/email.js'
import { EnrichQueue } from '../../../src/respond/alert/enrich-queue.js'
import type { WatchEvent } from '../../../src/respond/alert/event.js'
import { ExecChannel } from '../../../src/respond/alert/exec.js'
import { JsonLinesChannel } from '../../../src/respond/alert/json-lines.js'
import { SyslogChannel } from '../../../src/respond/alert/syslog.js'
import { sendTestAlert } from '../../../src/respond/alert/test-alert.js'
import { WebhookChannel } from '../../../src/respond/alert/webhook.js'
import { blockEvent, firstAlert, HOSTILE } from '../../helpers/alert-events.js'
import { parseMime, SmtpSink } from '../../helpers/smtp-sink.js'
import { SyslogSocket, withoutTime } from '../../helpers/syslog-socket.js'

/** A channel that records what reaches it (the unit here is the dispatcher's routing). */
class Recorder implements Channel {
  readonly got: WatchEvent[] = []
  emit: ((e: WatchEvent, from: Channel) => void) | null = null
  constructor(readonly kind: ChannelKind, readonly name: string = kind) {}
  send(e: WatchEvent): void {
    this.got.push(e)
  }
  async test(): Promise<void> {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  attach(emit: (e: WatchEvent, from: Channel) => void): void {
    this.emit = emit
  }
}

function recorders(): Record<ChannelKind, Recorder> {
  return { json: new Recorder('json'), syslog: new Recorder('syslog'), email: new Recorder('email'), webhook: new Recorder('webhook'), exec: new Recorder('exec') }
}
const dls = (r: Recorder): string[] => r.got.map((e) => `${e.type}${'dangerLevel' in e ? e.dangerLevel : ''}`)

describe('Dispatcher gates', () => {
  test('MIN_DANGER_LEVEL gates every channel; EMAIL_ALERT_DANGER_LEVEL gates email and the external command', () => {
    const r = recorders()
    const d = new Dispatcher({ channels: Object.values(r), gates: { minDangerLevel: 2, emailDangerLevel: 4 }, log: () => {} })
    for (const dl of [1, 2, 3, 4, 5]) d.dispatch(firstAlert({ dangerLevel: dl }))
    expect(dls(r.json)).toEqual(['alert2', 'alert3', 'alert4', 'alert5'])
    expect(dls(r.syslog)).toEqual(['alert2', 'alert3', 'alert4', 'alert5'])
    expect(dls(r.webhook)).toEqual(['alert2', 'alert3', 'alert4', 'alert5'])
    expect(dls(r.email)).toEqual(['alert4', 'alert5'])
    expect(dls(r.exec)).toEqual(['alert4', 'alert5'])
  })

  test('ALERTING_METHODS noemail,nosyslog; ENABLE_AUTO_IDS_EMAILS for block mails', () => {
    expect(alertingMethods('ALL')).toEqual({ email: true, syslog: true })
    expect(alertingMethods('noemail, nosyslog')).toEqual({ email: false, syslog: false })
    expect(() => alertingMethods('nomail')).toThrow(ConfigError)
    const r = recorders()
    const d = new Dispatcher({ channels: Object.values(r), gates: { ...alertingMethods('nosyslog') }, log: () => {} })
    d.dispatch(firstAlert())
    d.dispatch(blockEvent({ dangerLevel: 5 }))
    expect(dls(r.syslog)).toEqual([])
    expect(dls(r.email)).toEqual(['alert2', 'block5'])
    const r2 = recorders()
    const d2 = new Dispatcher({ channels: Object.values(r2), gates: { email: false, autoIdsEmails: true }, log: () => {} })
    d2.dispatch(blockEvent())
    expect(dls(r2.email)).toEqual([])
    const r3 = recorders()
    const d3 = new Dispatcher({ channels: Object.values(r3), gates: { autoIdsEmails: false }, log: () => {} })
    d3.dispatch(blockEvent())
    d3.dispatch(blockEvent({ type: 'unblock' }))
    expect(dls(r3.email)).toEqual([])
    expect(dls(r3.syslog)).toEqual(['block5', 'unblock5'])
  })

  test("a channel's notice goes to every other channel, not back to it", () => {
    const r = recorders()
    new Dispatcher({ channels: Object.values(r), log: () => {} })
    r.email.emit!({ type: 'notice', time: '2026-11-22T10:00:00.000Z', kind: 'email-limit', ip: '203.0.113.7', message: 'm' }, r.email)
    expect(r.email.got).toEqual([])
    expect(r.syslog.got.map((e) => e.type)).toEqual(['notice'])
    expect(r.json.got).toHaveLength(1)
  })

  test('alerts ask for enrichment and carry what is cached, without waiting', async () => {
    const r = recorders()
    const enrich = new EnrichQueue({ dns: true, whois: false, timeoutMs: 1000, clock: fixedClock(0), log: () => {}, lookups: { reverse: async () => 'scan.example', whois: async () => '' } })
    const d = new Dispatcher({ channels: [r.json], enrich, log: () => {} })
    d.dispatch(firstAlert())
    await new Promise((res) => setTimeout(res, 20))
    d.dispatch(firstAlert())
    expect(r.json.got.map((e) => (e.type === 'alert' ? e.enrichment : 'x'))).toEqual([undefined, { dns: 'scan.example', whois: null }])
  })

  test('two channels with one name are a ConfigError (the state is kept by name)', () => {
    expect(() => new Dispatcher({ channels: [new Recorder('webhook', 'w'), new Recorder('json', 'w')], log: () => {} })).toThrow(ConfigError)
  })
})

describe('every channel for real', () => {
  const dir = mkdtempSync(join(tmpdir(), `psl-alerts-dispatch-${process.pid}-`))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function realParts(smtpOpts: Parameters<typeof SmtpSink.start>[0] = {}) {
    const sink = await SmtpSink.start(smtpOpts)
    const sock = await SyslogSocket.bind(join(dir, `s${Math.random().toString(36).slice(2)}.sock`))
    const bodies: string[] = []
    const server: Server = createServer((req, res) => {
      let b = ''
      req.on('data', (d) => (b += d)).on('end', () => {
        bodies.push(b)
        res.end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const out = new PassThrough()
    let json = ''
    out.on('data', (d) => (json += d))
    const record = join(dir, 'record.py')
    writeFileSync(record, "import os\nopen(os.environ['OUT'], 'a').write(os.environ['PORTSLEUTH_EVENT'] + '\\n')\n")
    const execOut = join(dir, `exec-${Math.random().toString(36).slice(2)}.jsonl`)
    const logs: string[] = []
    const log = (_l: string, m: string): void => void logs.push(m)
    const clock = fixedClock(Date.UTC(2026, 10, 22, 10, 0, 7))
    const channels = [
      new JsonLinesChannel({ out, log }),
      new SyslogChannel({ socket: sock.path, identity: 'psad', log }),
      new EmailChannel({ smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', user: null, password: null, timeoutMs: 5000 }, from: 'p@fw1', to: ['sec@example.org'], hostname: 'fw1', clock, log, limit: 1 }),
      new WebhookChannel({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, clock, log }),
      new ExecChannel({ command: `python3 ${record} SRCIP`, env: { PATH: process.env.PATH, OUT: execOut }, log }),
    ]
    const close = async (d: Dispatcher): Promise<void> => {
      await d.close()
      await sink.close()
      await sock.close()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
    return { sink, sock, bodies, json: () => json, execOut, logs, channels, close }
  }

  test('hostile text reaches every channel escaped; the email limit notice reaches syslog and JSON', async () => {
    const p = await realParts()
    const d = new Dispatcher({ channels: p.channels, gates: { emailDangerLevel: 2 }, log: () => {} })
    try {
      const hostile = { logPrefixes: { [HOSTILE]: 20 }, signatures: [{ sid: 9, psadId: null, msg: HOSTILE, protocol: 'tcp', count: 1, dangerLevel: 2, newCount: 1 }] }
      d.dispatch(firstAlert({ ...hostile, dangerLevel: 1 })) // below EMAIL_ALERT_DANGER_LEVEL: not mailed, not counted
      d.dispatch(firstAlert(hostile))
      d.dispatch(firstAlert({ ...hostile, dangerLevel: 3 }))
      await d.flush(10_000)
      const syslog = (await p.sock.waitFor(7)).map(withoutTime)
      // JSON lines: escaped, one line per event (3 alerts, then the notice the 3rd caused).
      const lines = p.json().trimEnd().split('\n')
      expect(lines.map((l) => JSON.parse(l).type)).toEqual(['alert', 'alert', 'alert', 'notice'])
      for (const l of lines) expect(l).not.toMatch(/[\x1b\u202e\r]/)
      // syslog: every message one line, escaped; the notice in psad's words.
      expect(syslog).toContain('<190>psad: email limit reached for src: 203.0.113.7')
      expect(syslog.filter((m) => m.includes('signature match'))).toHaveLength(3)
      for (const m of syslog) expect(m).not.toMatch(/[\n\x1b\u202e]/)
      // email: the DL 2 alert, then the limit status mail; the DL 1 alert did not count.
      await p.sink.waitFor(2)
      expect(p.sink.messages.map((m) => parseMime(m.data).headers.subject)).toEqual(['[portsleuth-alert] DL2 src: 203.0.113.7 dst: 192.0.2.10', '[portsleuth-status] email limit reached for src: 203.0.113.7'])
      expect(parseMime(p.sink.messages[0]!.data).body).not.toMatch(/[\x1b\u202e]/)
      expect(parseMime(p.sink.messages[0]!.data).body).toContain('\\x1b[31mred')
      // webhook: every event, JSON-escaped.
      expect(p.bodies.map((b) => JSON.parse(b).type)).toEqual(['alert', 'alert', 'alert', 'notice'])
      for (const b of p.bodies) expect(b).not.toMatch(/[\n\x1b\u202e]/)
      // exec: once for the source (DL 2 is the first alert at EMAIL_ALERT_DANGER_LEVEL), hostile text escaped in the env.
      const runs = readFileSync(p.execOut, 'utf8').trim().split('\n')
      expect(runs).toHaveLength(1)
      expect(JSON.parse(runs[0]!).dangerLevel).toBe(2)
      expect(runs[0]).not.toMatch(/[\x1b\u202e]/)
      expect(p.logs).toEqual([])
    } finally {
      await p.close(d)
    }
  })

  test('sendTestAlert: per-channel results, a refused mail is a failure with the reason', async () => {
    const p = await realParts({ rcpt: () => '550 5.1.1 no such user' })
    const d = new Dispatcher({ channels: p.channels, gates: { minDangerLevel: 5, emailDangerLevel: 5 }, log: () => {} })
    try {
      const results = await sendTestAlert(d, { time: Date.UTC(2026, 10, 22, 10) })
      expect(results.map((r) => [r.kind, r.ok])).toEqual([['json', true], ['syslog', true], ['email', false], ['webhook', true], ['exec', true]])
      expect(results[2]!.error).toMatch(/^could not deliver the alert mail via smtp:\/\/127\.0\.0\.1:\d+: every recipient refused: sec@example\.org \(550 5\.1\.1 no such user\)$/)
      expect(withoutTime((await p.sock.waitFor(1))[0]!)).toBe('<190>psad: TEST ALERT, not a scan: scan detected: 192.0.2.1 -> 192.0.2.10 tcp: [22-80] flags: SYN tcp pkts: 59 DL: 3')
      expect(JSON.parse(p.json())).toMatchObject({ type: 'alert', ip: '192.0.2.1', test: true })
      expect(JSON.parse(p.bodies[0]!)).toMatchObject({ ip: '192.0.2.1', test: true })
      const nosyslog = new Dispatcher({ channels: [p.channels[1]!], gates: { syslog: false }, log: () => {} })
      expect(await sendTestAlert(nosyslog, { time: 0 })).toEqual([])
    } finally {
      await p.close(d)
    }
  })
})
