import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import type { LogLevel } from '../../../src/respond/alert/channel.js'
import { SyslogChannel } from '../../../src/respond/alert/syslog.js'
import { DEFAULT_WORDING, syslogMessages } from '../../../src/respond/alert/syslog-lines.js'
import { syslogIdentity, syslogPriority } from '../../../src/respond/alert/syslog-priority.js'
import { blockEvent, firstAlert, HOSTILE, laterAlert } from '../../helpers/alert-events.js'
import { SyslogSocket, withoutTime } from '../../helpers/syslog-socket.js'

const sig = (msg: string, sid: number | null, newCount: number, protocol = 'tcp') => ({ sid, psadId: sid === null ? 300004 : null, msg, protocol, count: newCount + 1, dangerLevel: 2, newCount })

describe('syslog wording (psad)', () => {
  test('a first alert: one scan line per destination, parts that are zero left out', () => {
    expect(syslogMessages(firstAlert())).toEqual(['scan detected: 203.0.113.7 -> 192.0.2.10 tcp: [20-39] flags: SYN tcp pkts: 20 DL: 2'])
  })

  test('a later alert: new packets per destination, udp pkts, total scan dsts', () => {
    expect(syslogMessages(laterAlert())).toEqual([
      'scan detected: 203.0.113.7 -> 192.0.2.10 tcp: [20-209] flags: SYN tcp pkts: 170 DL: 3 total scan dsts: 2',
      'scan detected: 203.0.113.7 -> 192.0.2.11 udp: [53] udp pkts: 1 DL: 3 total scan dsts: 2',
    ])
  })

  test("psad's style label variant, and a mixed-protocol destination gets a plain pkts count", () => {
    const a = laterAlert({ scanTypes: ['SYN', 'FIN', 'UDP'], nmapOptions: ['-sS', '-sF', '-sU'] })
    a.destinations = [{ ...a.destinations[0]!, udpPorts: '53', protocols: 2 }]
    expect(syslogMessages(a, { ...DEFAULT_WORDING, styleLabels: true })).toEqual([
      'scan detected (Nmap -sS scan, Nmap -sF scan, -sU scan): 203.0.113.7 -> 192.0.2.10 tcp: [20-209] udp: [53] flags: SYN pkts: 170 DL: 3 total scan dsts: 2',
    ])
  })

  test('signature lines: only signatures matched since the previous alert, at most N per protocol', () => {
    const a = firstAlert({ signatures: [sig('SCAN FIN', 621, 2), sig('SCAN NULL', 623, 0), sig('MISC x', null, 1), sig('SCAN SYN FIN', 624, 1), sig('DNS probe', 999, 1, 'udp')] })
    const lines = syslogMessages(a, { ...DEFAULT_WORDING, signatureLinesPerProtocol: 2 })
    expect(lines.slice(1)).toEqual([
      'src: 203.0.113.7 signature match: "SCAN FIN" (sid: 621) tcp',
      'src: 203.0.113.7 signature match: "MISC x" (psad_id: 300004) tcp',
      'src: 203.0.113.7 signature match: "DNS probe" (sid: 999) udp',
    ])
    expect(syslogMessages(a, { ...DEFAULT_WORDING, signatureLines: false })).toHaveLength(1)
  })

  test('block, unblock and notice lines', () => {
    expect(syslogMessages(blockEvent())).toEqual(['added iptables auto-block against 203.0.113.7 for 3600 seconds'])
    expect(syslogMessages(blockEvent({ timeout: 0 }))).toEqual(['added iptables auto-block against 203.0.113.7 (unlimited timeout)'])
    expect(syslogMessages(blockEvent({ type: 'unblock', backend: 'nftables' }))).toEqual(['removed nftables auto-block against 203.0.113.7'])
    expect(syslogMessages({ type: 'notice', time: '2026-11-22T10:00:00.000Z', kind: 'email-limit', ip: '203.0.113.7', message: 'x' })).toEqual(['email limit reached for src: 203.0.113.7'])
  })

  test('hostile text in a signature message stays on one line, escaped; a test alert is marked', () => {
    const lines = syslogMessages(firstAlert({ signatures: [sig(HOSTILE, 1, 1)], test: true }))
    expect(lines).toHaveLength(2)
    expect(lines[1]).toBe(
      'TEST ALERT, not a scan: src: 203.0.113.7 signature match: "evil\\x0a<13>Nov 22 10:00:00 fw psad: scan detected: 6.6.6.6 -> x %s%n $(touch /tmp/pwn) `id` \\x1b[31mred\\x1b[0m \\u{202e}abc" (sid: 1) tcp',
    )
    expect(lines[0]!.startsWith('TEST ALERT, not a scan: scan detected: ')).toBe(true)
  })

  test('facility and priority as psad.conf or logger spell them; bad ones and bad identities are ConfigErrors', () => {
    expect(syslogPriority('LOG_LOCAL7', 'LOG_INFO')).toEqual({ selector: 'local7.info', pri: 190 })
    expect(syslogPriority('auth', 'warning')).toEqual({ selector: 'auth.warning', pri: 36 })
    expect(() => syslogPriority('LOG_LOCAL9', 'LOG_INFO')).toThrow(ConfigError)
    expect(() => syslogPriority('LOG_LOCAL7', 'LOG_LOUD')).toThrow("SYSLOG_PRIORITY: 'LOG_LOUD' is not a syslog priority")
    expect(() => syslogPriority('constructor', 'LOG_INFO')).toThrow(ConfigError)
    expect(syslogIdentity('psad')).toBe('psad')
    expect(() => syslogIdentity('ps ad')).toThrow(ConfigError)
    expect(() => syslogIdentity('x:y')).toThrow(ConfigError)
  })
})

describe('SyslogChannel through logger to a real datagram socket', () => {
  const dir = mkdtempSync(join(tmpdir(), `psl-alerts-syslog-${process.pid}-`))
  let sock: SyslogSocket | null = null
  let channel: SyslogChannel | null = null
  const logs: [LogLevel, string][] = []
  const log = (level: LogLevel, message: string): void => void logs.push([level, message])
  afterEach(async () => {
    await channel?.close()
    channel = null
    await sock?.close()
    sock = null
    logs.length = 0
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('identity, facility, priority: exact lines, PRI 190, tag without a pid; one logger for many events', async () => {
    sock = await SyslogSocket.bind(join(dir, 'a.sock'))
    // A wrapper that notes each start, so the test sees that one logger serves every event.
    const starts = join(dir, 'starts')
    writeFileSync(join(dir, 'logger.sh'), `#!/bin/sh\necho start >> '${starts}'\nexec logger "$@"\n`)
    chmodSync(join(dir, 'logger.sh'), 0o755)
    channel = new SyslogChannel({ socket: sock.path, identity: 'psad', facility: 'LOG_LOCAL7', priority: 'LOG_INFO', log, logger: join(dir, 'logger.sh') })
    channel.send(firstAlert())
    channel.send(laterAlert())
    channel.send(blockEvent())
    const got = (await sock.waitFor(4)).map(withoutTime)
    expect(got).toEqual([
      '<190>psad: scan detected: 203.0.113.7 -> 192.0.2.10 tcp: [20-39] flags: SYN tcp pkts: 20 DL: 2',
      '<190>psad: scan detected: 203.0.113.7 -> 192.0.2.10 tcp: [20-209] flags: SYN tcp pkts: 170 DL: 3 total scan dsts: 2',
      '<190>psad: scan detected: 203.0.113.7 -> 192.0.2.11 udp: [53] udp pkts: 1 DL: 3 total scan dsts: 2',
      '<190>psad: added iptables auto-block against 203.0.113.7 for 3600 seconds',
    ])
    expect(sock.messages[0]).toMatch(/^<190>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d psad: /)
    expect(readFileSync(starts, 'utf8')).toBe('start\n')
    expect(logs).toEqual([])
  })

  test('default identity portsleuth; LOG_AUTH + LOG_WARNING is PRI 36; hostile text arrives as one escaped message', async () => {
    sock = await SyslogSocket.bind(join(dir, 'b.sock'))
    channel = new SyslogChannel({ socket: sock.path, facility: 'LOG_AUTH', priority: 'LOG_WARNING', log })
    channel.send(firstAlert({ signatures: [sig(HOSTILE, 7, 1)] }))
    const got = await sock.waitFor(2)
    await new Promise((r) => setTimeout(r, 200))
    expect(sock.messages).toHaveLength(2)
    expect(withoutTime(got[1]!)).toBe(
      '<36>portsleuth: src: 203.0.113.7 signature match: "evil\\x0a<13>Nov 22 10:00:00 fw psad: scan detected: 6.6.6.6 -> x %s%n $(touch /tmp/pwn) `id` \\x1b[31mred\\x1b[0m \\u{202e}abc" (sid: 7) tcp',
    )
  })

  test('a vanished socket: logged with logger\'s reason; messages queued meanwhile go out after the back-off', async () => {
    const path = join(dir, 'c.sock')
    sock = await SyslogSocket.bind(path)
    channel = new SyslogChannel({ socket: path, log, restartMs: [1500, 3000] })
    channel.send(blockEvent({ target: '198.51.100.1' }))
    await sock.waitFor(1)
    await sock.close()
    channel.send(blockEvent({ target: '198.51.100.2' }))
    const deadline = performance.now() + 5000
    while (logs.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(logs[0]![0]).toBe('error')
    expect(logs[0]![1]).toMatch(new RegExp(`^syslog ${path}: logger exited with status 1: logger: socket ${path}: No such file or directory; up to \\d+ message\\(s\\) given to it may be lost; restarting it in 1.5 s$`))
    // Sent while logger is down: kept, and sent by the restarted logger once the socket is back.
    channel.send(blockEvent({ target: '198.51.100.3' }))
    sock = await SyslogSocket.bind(path)
    const got = await sock.waitFor(1)
    expect(got.map(withoutTime)).toEqual(['<190>portsleuth: added iptables auto-block against 198.51.100.3 for 3600 seconds'])
    expect(logs).toHaveLength(1)
  })

  test('test(): resolves when logger delivered, rejects with its reason when it cannot', async () => {
    sock = await SyslogSocket.bind(join(dir, 'd.sock'))
    channel = new SyslogChannel({ socket: sock.path, log })
    await channel.test(firstAlert({ test: true }))
    expect(withoutTime((await sock.waitFor(1))[0]!)).toBe('<190>portsleuth: TEST ALERT, not a scan: scan detected: 203.0.113.7 -> 192.0.2.10 tcp: [20-39] flags: SYN tcp pkts: 20 DL: 2')
    const missing = new SyslogChannel({ socket: join(dir, 'none.sock'), log })
    await expect(missing.test(firstAlert())).rejects.toThrow(`logger exited with status 1: logger: socket ${join(dir, 'none.sock')}: No such file or directory`)
    await missing.close()
  })
})
