import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir, type Run } from '../helpers/cli.js'
import { parseMime, SmtpSink } from '../helpers/smtp-sink.js'

// `portsleuth report --mail` as cron runs it: the built CLI in its own process, a real SMTP server
// (test/helpers/smtp-sink.ts) on 127.0.0.1, the real sample capture. The CLI must be spawned
// asynchronously: spawnSync would block the event loop the sink answers on.

const SAMPLE = path.join(ROOT, 'test/fixtures/captures/sample.log')
const { dir, cleanup } = tempDir()
afterAll(cleanup)

let sink: SmtpSink | null = null
afterEach(async () => {
  await sink?.close()
  sink = null
})

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

const smtpArgs = (port: number): string[] => ['--smtp-host', '127.0.0.1', '--smtp-port', String(port)]

describe('portsleuth report --mail', () => {
  test('the HTML report with the text report as its plain part, to every recipient, after AUTH', async () => {
    sink = await SmtpSink.start({ users: { fwreport: 'correct horse' } })
    const pw = path.join(dir, 'smtp.pw')
    writeFileSync(pw, 'correct horse\n', { mode: 0o600 })
    const html = path.join(dir, 'day.html')
    const text = path.join(dir, 'day.txt')
    const r = await run([
      'report', SAMPLE, '-o', html, '-o', text, '--mail', 'admin@example.org,soc@example.org', '--mail', 'oncall@example.org',
      '--mail-from', 'fw1@example.org', ...smtpArgs(sink.port), '--smtp-user', 'fwreport', '--smtp-password-file', pw,
    ])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    const [got] = await sink.waitFor(1)
    expect(got).toMatchObject({ from: 'fw1@example.org', to: ['admin@example.org', 'soc@example.org', 'oncall@example.org'], user: 'fwreport' })
    const msg = parseMime(got!.data)
    expect(msg.headers.from).toBe('fw1@example.org')
    expect(msg.headers.to).toBe('admin@example.org, soc@example.org, oncall@example.org')
    expect(msg.headers.subject).toMatch(/^\[portsleuth\] \S+ 2026-11-22 08:29\.\.08:29: 4 sources, highest DL 3 \(DL3: 1, DL2: 2, DL1: 1\)$/)
    expect(msg.headers['content-type']).toMatch(/^multipart\/alternative; boundary=/)
    const [plain, rich] = msg.parts
    expect(plain!.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(rich!.headers['content-type']).toBe('text/html; charset=utf-8')
    // Both parts are the full reports, the same bytes as the -o files of the same run.
    const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n')
    expect(plain!.body).toBe(crlf(readFileSync(text, 'utf8')))
    expect(rich!.body).toBe(crlf(readFileSync(html, 'utf8')))
    expect(rich!.body).toMatch(/^<!DOCTYPE html>/i)
    expect(rich!.body.trimEnd()).toMatch(/<\/html>$/)
    for (const ip of ['10.77.0.1', '10.77.0.3', '10.77.0.4', 'fd77::1']) expect(rich!.body).toContain(ip)
    expect(plain!.body).toContain('[+] Top attackers:')
  })

  test('mail only: nothing on stdout (cron would mail it twice); the password may come from the environment', async () => {
    sink = await SmtpSink.start({ users: { fw: 'envpw' } })
    const r = await run(['report', SAMPLE, '--mail', 'admin@example.org', ...smtpArgs(sink.port), '--smtp-user', 'fw'], { PORTSLEUTH_SMTP_PASSWORD: 'envpw' })
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', ''])
    expect((await sink.waitFor(1))[0]!.user).toBe('fw')
  })

  test('the server refuses the recipient: exit 5, which server and what it said, the -o files still written', async () => {
    sink = await SmtpSink.start({ rcpt: () => '550 5.1.1 <root@nowhere.example>: Recipient address rejected' })
    const out = path.join(dir, 'refused')
    const r = await run(['report', SAMPLE, '--mail', 'root@nowhere.example', ...smtpArgs(sink.port), '-o', `${out}.html`, '-o', `${out}.json`])
    expect(r.status).toBe(5)
    expect(r.stderr).toContain(`portsleuth: could not deliver the report mail via smtp://127.0.0.1:${sink.port}: every recipient refused: root@nowhere.example (550 5.1.1 <root@nowhere.example>: Recipient address rejected)`)
    expect(r.stderr).toContain('hint: check --mail')
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8')).summary.packets).toBe(425)
    expect(readFileSync(`${out}.html`, 'utf8')).toMatch(/^<!DOCTYPE html>/i)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(sink.messages).toEqual([])
  })

  test('nothing listens: exit 5 "connection refused", the -o file still written', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const out = path.join(dir, 'no-server.html')
    const r = await run(['report', SAMPLE, '--mail', 'admin@example.org', ...smtpArgs(port), '-o', out])
    expect(r.status).toBe(5)
    expect(r.stderr).toContain(`portsleuth: could not deliver the report mail via smtp://127.0.0.1:${port}: connection refused`)
    expect(existsSync(out)).toBe(true)
  })
})
