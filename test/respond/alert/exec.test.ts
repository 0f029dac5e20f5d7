import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import { commandArgv, parseCommand } from '../../../src/respond/alert/command-line.js'
import { ExecChannel, eventJson, type ExecOptions } from '../../../src/respond/alert/exec.js'
import { blockEvent, firstAlert, HOSTILE } from '../../helpers/alert-events.js'

const dir = mkdtempSync(join(tmpdir(), `psl-alerts-exec-${process.pid}-`))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// A command that appends one JSON line per run: its argv, the PORTSLEUTH_* variables, start and end.
const RECORD = join(dir, 'record.py')
writeFileSync(RECORD, `import json, os, sys, time
start = time.time()
time.sleep(float(os.environ.get('SLEEP', '0')))
keep = {k: v for k, v in os.environ.items() if k.startswith('PORTSLEUTH_')}
with open(os.environ['OUT'], 'a') as f:
    f.write(json.dumps({'argv': sys.argv[1:], 'env': keep, 'start': start, 'end': time.time()}) + '\\n')
`)

let channel: ExecChannel | null = null
const logs: string[] = []
afterEach(async () => {
  await channel?.close()
  channel = null
  logs.length = 0
})

let runs = 0
function open(command: string, over: Partial<ExecOptions> = {}, sleep = '0'): { ch: ExecChannel; out: string } {
  const out = join(dir, `runs-${++runs}.jsonl`)
  channel = new ExecChannel({ command, env: { PATH: process.env.PATH, OUT: out, SLEEP: sleep }, log: (_l, m) => void logs.push(m), ...over })
  return { ch: channel, out }
}

/** True while `pid` runs (a zombie, killed but not yet reaped by an init that does not reap, is not running). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z'
  } catch {
    return false
  }
}

const recorded = (out: string): { argv: string[]; env: Record<string, string>; start: number; end: number }[] =>
  existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []

describe('EXTERNAL_SCRIPT command lines', () => {
  test('split without a shell: quotes and backslashes honoured, shell syntax left as text', () => {
    const cmd = parseCommand(`/usr/local/bin/notify --src SRCIP 'two words' "a \\"q\\"" $(id) ; rm -rf / 'SRCIP'`)
    expect(cmd).toEqual({ file: '/usr/local/bin/notify', args: ['--src', 'SRCIP', 'two words', 'a "q"', '$(id)', ';', 'rm', '-rf', '/', 'SRCIP'] })
    expect(commandArgv(cmd, '2001:db8::7')).toEqual(['--src', '2001:db8::7', 'two words', 'a "q"', '$(id)', ';', 'rm', '-rf', '/', '2001:db8::7'])
  })

  test('unbalanced quotes, an empty line and SRCIP inside an argument are ConfigErrors', () => {
    expect(() => parseCommand(`notify 'SRCIP`)).toThrow(ConfigError)
    expect(() => parseCommand(`notify "x`)).toThrow("EXTERNAL_SCRIPT: cannot split 'notify \"x' into arguments: got eof while in a quoted string")
    expect(() => parseCommand('   ')).toThrow('EXTERNAL_SCRIPT: no command given')
    expect(() => parseCommand('notify --ip=SRCIP')).toThrow("EXTERNAL_SCRIPT: argument '--ip=SRCIP' has SRCIP inside it; SRCIP is replaced only as a whole argument")
    expect(() => parseCommand('SRCIP x', 'EXTERNAL_BLOCK_SCRIPT')).toThrow('EXTERNAL_BLOCK_SCRIPT: the command itself cannot be SRCIP')
  })
})

describe('ExecChannel', () => {
  test('argv with the address as one whole argument, the PORTSLEUTH_* environment, no shell', async () => {
    const { ch, out } = open(`python3 ${RECORD} SRCIP 'x y' '$(touch ${join(dir, 'pwned')})' '; touch ${join(dir, 'pwned2')}'`)
    const e = firstAlert({ ip: '2001:db8::7', logPrefixes: { [HOSTILE]: 1 } })
    ch.send(e)
    await ch.flush(10_000)
    const [run] = recorded(out)
    expect(run!.argv).toEqual(['2001:db8::7', 'x y', `$(touch ${join(dir, 'pwned')})`, `; touch ${join(dir, 'pwned2')}`])
    expect(run!.env.PORTSLEUTH_IP).toBe('2001:db8::7')
    expect(run!.env.PORTSLEUTH_DL).toBe('2')
    expect(run!.env.PORTSLEUTH_EVENT_TYPE).toBe('alert')
    expect(JSON.parse(run!.env.PORTSLEUTH_EVENT!)).toEqual(e)
    expect(run!.env.PORTSLEUTH_EVENT).not.toMatch(/[\n\x1b\u202e]/)
    expect(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'pwned2'))).toBe(false)
    expect(logs).toEqual([])
  })

  test('an address that is not one is never run', async () => {
    const { ch, out } = open(`python3 ${RECORD} SRCIP`)
    ch.send(firstAlert({ ip: `1.2.3.4; touch ${join(dir, 'pwned3')}` }))
    ch.send(firstAlert({ ip: '-rf' }))
    await ch.flush(5000)
    expect(recorded(out)).toEqual([])
    expect(logs).toEqual([`exec python3: '1.2.3.4; touch ${join(dir, 'pwned3')}' is not an IP address; not run`, "exec python3: '-rf' is not an IP address; not run"])
  })

  test('once per source unless perAlert; the set survives snapshot/restore', async () => {
    const { ch, out } = open(`python3 ${RECORD} SRCIP`)
    ch.send(firstAlert())
    ch.send(firstAlert({ dangerLevel: 3 }))
    ch.send(firstAlert({ ip: '198.51.100.9' }))
    await ch.flush(10_000)
    expect(recorded(out).map((r) => r.argv[0])).toEqual(expect.arrayContaining(['203.0.113.7', '198.51.100.9']))
    expect(recorded(out)).toHaveLength(2)
    const state = JSON.parse(JSON.stringify(ch.snapshot()))
    const again = open(`python3 ${RECORD} SRCIP`)
    again.ch.restore(state)
    again.ch.send(firstAlert())
    await again.ch.flush(5000)
    expect(recorded(again.out)).toHaveLength(0)
    const every = open(`python3 ${RECORD} SRCIP`, { perAlert: true })
    every.ch.send(firstAlert())
    every.ch.send(firstAlert())
    await every.ch.flush(10_000)
    expect(recorded(every.out)).toHaveLength(2)
  })

  test('events: block runs for blocks only (EXTERNAL_BLOCK_SCRIPT)', async () => {
    const { ch, out } = open(`python3 ${RECORD} SRCIP`, { events: ['block'] })
    ch.send(firstAlert())
    ch.send(blockEvent({ ip: '198.51.100.1' }))
    ch.send(blockEvent({ ip: '198.51.100.1' }))
    ch.send(blockEvent({ type: 'unblock' }))
    await ch.flush(10_000)
    expect(recorded(out).map((r) => [r.argv[0], r.env.PORTSLEUTH_EVENT_TYPE])).toEqual([['198.51.100.1', 'block'], ['198.51.100.1', 'block']])
  })

  test('a failure is logged with the exit status and the stderr tail; a missing program too', async () => {
    const { ch } = open(`sh -c 'echo "first line" >&2; echo "it broke" >&2; exit 3' SRCIP`)
    ch.send(firstAlert())
    await ch.flush(5000)
    expect(logs).toEqual(['exec sh: sh exited with status 3; stderr: first line it broke'])
    logs.length = 0
    const missing = open(`${join(dir, 'no-such-program')} SRCIP`)
    missing.ch.send(firstAlert())
    await missing.ch.flush(5000)
    expect(logs).toEqual([`exec ${join(dir, 'no-such-program')}: cannot run ${join(dir, 'no-such-program')}: spawn ${join(dir, 'no-such-program')} ENOENT`])
    await expect(missing.ch.test(firstAlert())).rejects.toThrow('ENOENT')
  })

  test('killed after the timeout, with what it started in the background', async () => {
    const pidFile = join(dir, 'bg.pid')
    const { ch } = open(`sh -c 'sleep 60 & echo $! > ${pidFile}; wait' SRCIP`, { timeoutMs: 300, killGraceMs: 5000 })
    const t0 = performance.now()
    ch.send(firstAlert())
    await ch.flush(5000)
    expect(performance.now() - t0).toBeLessThan(3000)
    expect(logs).toEqual(['exec sh: sh killed after 0.3 s'])
    const bg = Number(readFileSync(pidFile, 'utf8'))
    await new Promise((r) => setTimeout(r, 100))
    expect(alive(bg)).toBe(false)
  })

  test('bounded concurrency: with 1, runs never overlap', async () => {
    const { ch, out } = open(`python3 ${RECORD} SRCIP`, { concurrency: 1, perAlert: true }, '0.2')
    for (let i = 1; i <= 3; i++) ch.send(firstAlert({ ip: `198.51.100.${i}` }))
    await ch.flush(10_000)
    const r = recorded(out).sort((a, b) => a.start - b.start)
    expect(r).toHaveLength(3)
    for (let i = 1; i < r.length; i++) expect(r[i]!.start).toBeGreaterThanOrEqual(r[i - 1]!.end)
  })

  test('test() resolves for a command that succeeds', async () => {
    const { ch, out } = open(`python3 ${RECORD} SRCIP`)
    await ch.test(firstAlert({ ip: '192.0.2.1', test: true }))
    expect(recorded(out)[0]!.argv).toEqual(['192.0.2.1'])
  })

  test('an event too long for one environment string loses whois and raw lines first', () => {
    const big = firstAlert({ enrichment: { dns: 'x.example', whois: 'w'.repeat(200_000) } })
    const json = JSON.parse(eventJson(big))
    expect(json.truncated).toBe(true)
    expect(json.enrichment).toEqual({ dns: 'x.example', whois: null })
    expect(json.ip).toBe('203.0.113.7')
  })
})
