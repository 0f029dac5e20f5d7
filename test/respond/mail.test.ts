import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ConfigError, UsageError } from '../../src/core/errors.js'
import { describeFailure, serverName, type SmtpOptions } from '../../src/respond/mail.js'
import { DeliveryError } from '../../src/respond/mail-error.js'
import { reportSubject } from '../../src/respond/mail-message.js'
import { windowText } from '../../src/report/title.js'
import { isLoopback, parseRecipients, prepareMail, type MailRequest } from '../../src/respond/mail-options.js'
import { tempDir } from '../helpers/cli.js'
import { syntheticReport } from '../helpers/synthetic-report.js'

// TZ is UTC in the test projects, so local midnights are UTC midnights here.

const { dir, cleanup } = tempDir()
afterAll(cleanup)

const base: MailRequest = {
  to: ['admin@example.org'], from: undefined, subjectPrefix: '[portsleuth]', host: 'localhost', port: undefined, tls: 'none',
  user: undefined, passwordFile: undefined, envPassword: undefined, hostname: 'fw1', timeoutMs: 1000,
}

describe('recipients', () => {
  test('repeatable and comma lists, trimmed, without duplicates', () => {
    expect(parseRecipients(['a@example.org, b@example.org', 'c@example.org', 'a@example.org', ' ,'])).toEqual(['a@example.org', 'b@example.org', 'c@example.org'])
  })
  test.each(['admin', 'a b@example.org', 'a@example.org\r\nBcc: x@evil', '<a@example.org>', 'a@@example.org'])('%j is refused', (bad) => {
    expect(() => parseRecipients([bad])).toThrow(UsageError)
  })
  test('an empty list is refused', () => {
    expect(() => parseRecipients([' , '])).toThrow(/no address/)
  })
})

describe('prepareMail', () => {
  test('defaults: localhost:25 without TLS, portsleuth@HOSTNAME, no AUTH', async () => {
    const plan = await prepareMail(base)
    expect(plan).toMatchObject({ from: 'portsleuth@fw1', to: ['admin@example.org'], subjectPrefix: '[portsleuth]' })
    expect(plan.smtp).toEqual({ host: 'localhost', port: 25, tls: 'none', user: null, password: null, timeoutMs: 1000 })
  })
  test('the port follows the TLS mode unless given', async () => {
    expect((await prepareMail({ ...base, tls: 'starttls' })).smtp.port).toBe(587)
    expect((await prepareMail({ ...base, tls: 'tls' })).smtp.port).toBe(465)
    expect((await prepareMail({ ...base, tls: 'tls', port: 2465 })).smtp.port).toBe(2465)
  })
  test('the password comes from the file (one trailing newline dropped), else the environment', async () => {
    const file = path.join(dir, 'pw')
    writeFileSync(file, 'p@ss word\n')
    expect((await prepareMail({ ...base, user: 'fw', passwordFile: file, envPassword: 'env' })).smtp.password).toBe('p@ss word')
    expect((await prepareMail({ ...base, user: 'fw', envPassword: 'env' })).smtp.password).toBe('env')
    // Without a user the environment variable is not used (it may be set for something else).
    expect((await prepareMail({ ...base, envPassword: 'env' })).smtp).toMatchObject({ user: null, password: null })
  })
  test('password problems fail before any log is read', async () => {
    await expect(prepareMail({ ...base, user: 'fw' })).rejects.toThrow(/--smtp-user needs a password/)
    await expect(prepareMail({ ...base, passwordFile: '/x' })).rejects.toThrow(/needs --smtp-user/)
    await expect(prepareMail({ ...base, user: 'fw', passwordFile: path.join(dir, 'missing') })).rejects.toThrow(ConfigError)
    const empty = path.join(dir, 'empty')
    writeFileSync(empty, '\n')
    await expect(prepareMail({ ...base, user: 'fw', passwordFile: empty })).rejects.toThrow(/is empty/)
    if (process.getuid?.() !== 0) {
      const locked = path.join(dir, 'locked')
      writeFileSync(locked, 'x')
      chmodSync(locked, 0)
      await expect(prepareMail({ ...base, user: 'fw', passwordFile: locked })).rejects.toThrow(/permission denied/)
    }
  })
  test('a password is not sent in clear to another machine', async () => {
    await expect(prepareMail({ ...base, host: 'mail.example.org', user: 'fw', envPassword: 'x' })).rejects.toThrow(/without TLS/)
    await expect(prepareMail({ ...base, host: 'mail.example.org', tls: 'starttls', user: 'fw', envPassword: 'x' })).resolves.toBeDefined()
    await expect(prepareMail({ ...base, host: '127.0.0.1', user: 'fw', envPassword: 'x' })).resolves.toBeDefined()
  })
  test('bad sender and control characters in the prefix', async () => {
    await expect(prepareMail({ ...base, from: 'nobody' })).rejects.toThrow(/--mail-from/)
    expect((await prepareMail({ ...base, subjectPrefix: '[fw]\r\nBcc: x@evil' })).subjectPrefix).toBe('[fw]  Bcc: x@evil')
  })
  test('loopback names', () => {
    expect(['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'].every(isLoopback)).toBe(true)
    expect(['mail.example.org', '10.0.0.1', '128.0.0.1', '::2', 'localhost.example.org'].some(isLoopback)).toBe(false)
  })
})

describe('subject', () => {
  const report = syntheticReport(30)
  const levels = report.summary.dangerLevels
  const at = (iso: string): number => Date.parse(iso)

  test('windows: one local day, part of a day, several days', () => {
    expect(windowText(at('2026-11-21T00:00:00Z'), at('2026-11-22T00:00:00Z'))).toBe('2026-11-21')
    expect(windowText(at('2026-11-21T08:00:00Z'), at('2026-11-21T17:30:00Z'))).toBe('2026-11-21 08:00..17:30')
    expect(windowText(at('2026-11-14T00:00:00Z'), at('2026-11-21T00:00:00Z'))).toBe('2026-11-14 00:00..2026-11-21 00:00')
  })
  test('prefix, host, window, source counts and the highest danger level', () => {
    const s = reportSubject({ prefix: '[portsleuth]', hostname: 'reporting-box', since: at('2026-11-21T00:00:00Z'), until: at('2026-11-22T00:00:00Z'), now: 0, report, inputErrors: 0 })
    const total = Object.values(levels).reduce((a, b) => a + b, 0)
    const top = [5, 4, 3, 2, 1].find((l) => levels[String(l) as '1'] > 0)
    expect(s.startsWith(`[portsleuth] fw1 2026-11-21: ${total} sources, highest DL ${top} (DL${top}: `)).toBe(true)
  })
  test('open end is now; no window at all uses the data; quiet days and unreadable inputs say so', () => {
    const quiet = { ...report, summary: { ...report.summary, dangerLevels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } } }
    expect(reportSubject({ prefix: '[p]', hostname: 'h', since: at('2026-11-21T06:00:00Z'), until: null, now: at('2026-11-21T07:00:00Z'), report: quiet, inputErrors: 0 }))
      .toBe('[p] fw1 2026-11-21 06:00..07:00: no scanning sources')
    const one = { ...report, summary: { ...report.summary, dangerLevels: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 } } }
    expect(reportSubject({ prefix: '[p]', hostname: 'h', since: null, until: null, now: 0, report: one, inputErrors: 1 }))
      .toBe('[p] fw1 2026-11-21 06:00..2026-11-22 11:59: 1 source, highest DL 2 (DL2: 1), 1 unreadable input')
  })
  test("names the firewall's syslog hosts, not the machine the report runs on; that one only when no line named a host", () => {
    const quiet = { ...report, summary: { ...report.summary, dangerLevels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } } }
    const subject = (hosts: Record<string, number>): string =>
      reportSubject({ prefix: '[p]', hostname: 'reporting-box', since: at('2026-11-21T00:00:00Z'), until: at('2026-11-22T00:00:00Z'), now: 0, report: { ...quiet, summary: { ...quiet.summary, hosts } }, inputErrors: 0 })
    expect(subject({ gw: 10, fw2: 90 })).toBe('[p] fw2, gw 2026-11-21: no scanning sources')
    expect(subject({ a: 1, b: 3, c: 2, d: 5 })).toBe('[p] d, b +2 more 2026-11-21: no scanning sources')
    expect(subject({})).toBe('[p] reporting-box 2026-11-21: no scanning sources')
    expect(subject({ 'fw\r\nBcc: x@evil': 1 })).toBe('[p] fw\\x0d\\x0aBcc: x@evil 2026-11-21: no scanning sources')
  })
})

describe('SMTP failures in words', () => {
  const o: SmtpOptions = { host: 'mail.example.org', port: 587, tls: 'starttls', user: 'fw', password: 'x', timeoutMs: 1000 }
  test('server names', () => {
    expect(serverName(o)).toBe('smtp://mail.example.org:587 (STARTTLS)')
    expect(serverName({ host: '::1', port: 465, tls: 'tls' })).toBe('smtps://[::1]:465')
  })
  test('each step names what failed', () => {
    const err = (props: Record<string, unknown>): Error => Object.assign(new Error('boom'), props)
    expect(describeFailure(err({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), o).what).toBe('connection refused')
    expect(describeFailure(err({ code: 'EAUTH', response: '535 5.7.8 bad\r\n' }), o).what).toBe("authentication as 'fw' refused: 535 5.7.8 bad")
    expect(describeFailure(err({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }), o).what).toBe('timed out waiting for the greeting')
    expect(describeFailure(err({ code: 'EENVELOPE', rejectedErrors: [err({ recipient: 'a@x', response: '550 no' })] }), o).what).toBe('every recipient refused: a@x (550 no)')
    expect(describeFailure(err({ code: 'EENVELOPE', command: 'MAIL FROM', response: '553 sender' }), o)).toEqual({ what: 'MAIL FROM refused: 553 sender', hint: 'check --mail-from' })
    expect(describeFailure(err({ code: 'EMESSAGE', response: '554 spam' }), o).what).toBe('the message was refused after DATA: 554 spam')
  })
  test('a delivery failure is its own exit status', () => {
    expect(new DeliveryError('x').exit).toBe(5)
    expect(new DeliveryError('x')).toMatchObject({ code: 'delivery', exit: 5 })
  })
})
