import { createServer, type AddressInfo, type Server } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { sendReportMail, type ReportMail, type SmtpOptions } from '../../src/respond/mail.js'
import { DeliveryError } from '../../src/respond/mail-error.js'
import { parseMime, SmtpSink } from '../helpers/smtp-sink.js'

// sendReportMail against a real SMTP server on loopback (test/helpers/smtp-sink.ts), in-process.
// The spawned end-to-end run of `portsleuth report --mail` is test/cli/report-mail.slow.test.ts.

const mail: ReportMail = {
  from: 'portsleuth@fw1',
  to: ['a@example.org', 'b@example.org'],
  subject: '[portsleuth] fw1 2026-11-21: 3 sources, highest DL 4 (DL4: 1, DL2: 2)',
  text: 'portsleuth 0.1.0: 1 input(s)\n[+] Danger levels (sources):\n    DL5: 0  DL4: 1\n',
  html: '<!DOCTYPE html><html lang="en"><head><title>portsleuth report</title></head><body><h1>r\u00e9sum\u00e9 &amp; more</h1></body></html>\n',
  date: new Date(Date.UTC(2026, 10, 22, 6, 25)),
}

let sink: SmtpSink | null = null
let silent: Server | null = null
afterEach(async () => {
  await sink?.close()
  sink = null
  silent?.close()
  silent = null
})

const smtp = (port: number, over: Partial<SmtpOptions> = {}): SmtpOptions => ({ host: '127.0.0.1', port, tls: 'none', user: null, password: null, timeoutMs: 5000, ...over })

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(DeliveryError)
  return err as DeliveryError
}

describe('sendReportMail', () => {
  test('one multipart/alternative message: text part, then the HTML part, after AUTH', async () => {
    sink = await SmtpSink.start({ users: { fw: 'pa ss' } })
    const sent = await sendReportMail(smtp(sink.port, { user: 'fw', password: 'pa ss' }), mail)
    expect(sent.accepted).toEqual(mail.to)
    const [got] = await sink.waitFor(1)
    expect(got).toMatchObject({ from: 'portsleuth@fw1', to: mail.to, user: 'fw' })
    const msg = parseMime(got!.data)
    expect(msg.headers.subject).toBe(mail.subject)
    expect(msg.headers.date).toBe('Sun, 22 Nov 2026 06:25:00 +0000')
    expect(msg.headers['content-type']).toMatch(/^multipart\/alternative;/)
    expect(msg.parts.map((p) => p.headers['content-type'])).toEqual(['text/plain; charset=utf-8', 'text/html; charset=utf-8'])
    expect(msg.parts[0]!.body).toBe(mail.text.replace(/\n/g, '\r\n'))
    expect(msg.parts[1]!.body).toBe(mail.html.replace(/\n/g, '\r\n'))
  })

  test('every recipient refused: the server, the step and its reply', async () => {
    sink = await SmtpSink.start({ rcpt: () => '550 5.1.1 no such user' })
    const err = await failure(sendReportMail(smtp(sink.port), mail))
    expect(err.message).toBe(`could not deliver the report mail via smtp://127.0.0.1:${sink.port}: every recipient refused: a@example.org (550 5.1.1 no such user), b@example.org (550 5.1.1 no such user)`)
    expect(sink.messages).toEqual([])
  })

  test('some recipients refused: delivered to the others, still a failure', async () => {
    sink = await SmtpSink.start({ rcpt: (a) => (a.startsWith('b@') ? '452 4.2.2 mailbox full' : null) })
    const err = await failure(sendReportMail(smtp(sink.port), mail))
    expect(err.message).toMatch(/refused b@example\.org \(452 4\.2\.2 mailbox full\); delivered to a@example\.org$/)
    expect((await sink.waitFor(1))[0]!.to).toEqual(['a@example.org'])
  })

  test('wrong password', async () => {
    sink = await SmtpSink.start({ users: { fw: 'right' } })
    const err = await failure(sendReportMail(smtp(sink.port, { user: 'fw', password: 'wrong' }), mail))
    expect(err.message).toMatch(/: authentication as 'fw' refused: 535 5\.7\.8/)
    expect(err.hint).toMatch(/--smtp-password-file/)
  })

  test('nothing listens', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const err = await failure(sendReportMail(smtp(port), mail))
    expect(err.message).toBe(`could not deliver the report mail via smtp://127.0.0.1:${port}: connection refused`)
  })

  test('a server that never greets times out', async () => {
    silent = createServer(() => {})
    await new Promise<void>((r) => silent!.listen(0, '127.0.0.1', r))
    const port = (silent.address() as AddressInfo).port
    const err = await failure(sendReportMail(smtp(port, { timeoutMs: 300 }), mail))
    expect(err.message).toMatch(/: timed out waiting for the greeting$/)
  })

  test('STARTTLS required but not offered', async () => {
    sink = await SmtpSink.start()
    const err = await failure(sendReportMail(smtp(sink.port, { tls: 'starttls' }), mail))
    expect(err.message).toMatch(new RegExp(`via smtp://127\\.0\\.0\\.1:${sink.port} \\(STARTTLS\\): `))
    expect(sink.messages).toEqual([])
  })
})
