import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { cli, cliJson, tempDir } from '../helpers/cli.js'
import { sleep, until } from '../helpers/follow.js'
import { WatchProcess } from '../helpers/watch.js'

// portsleuth watch end to end, through the built CLI: lines appended to a followed log become
// alerts within a second; what `status` shows equals what `analyze` gives for the same lines, across
// a rotation and a kill -9 + restart; a clean stop repeats nothing; no watcher → exit 6.

const { dir: root, cleanup } = tempDir()
afterAll(cleanup)
const running: WatchProcess[] = []
afterEach(async () => {
  for (const w of running.splice(0)) await w.stop('SIGKILL')
})

let n = 0
function workspace(): { dir: string; log: string; state: string; args: string[] } {
  const dir = path.join(root, `w${++n}`)
  mkdirSync(dir)
  const log = path.join(dir, 'kern.log')
  writeFileSync(log, '')
  const state = path.join(dir, 'state')
  // A syslog socket nobody listens on would only add noise: the tests read the JSON lines.
  writeFileSync(path.join(dir, 'psad.conf'), 'ALERTING_METHODS nosyslog;\n')
  return { dir, log, state, args: [log, '--state-dir', state, '-c', path.join(dir, 'psad.conf'), '--save-interval', '1s'] }
}

async function watch(args: string[], env: Record<string, string> = {}): Promise<WatchProcess> {
  const w = await WatchProcess.start(args, env)
  running.push(w)
  return w
}

let second = 0
/** SYN lines from `src` to ports lo..hi of 192.0.2.10, dated (ISO, UTC) one second apart. */
function syns(src: string, lo: number, hi: number): string {
  let out = ''
  for (let p = lo; p <= hi; p++) {
    const t = new Date(Date.UTC(2026, 10, 22, 10, 0, 0) + 1000 * second++).toISOString().replace('Z', '+00:00')
    out += `${t} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${p} PROTO=TCP SPT=40000 DPT=${p} WINDOW=1024 RES=0x00 SYN URGP=0 \n`
  }
  return out
}

const pick = (sources: { ip: string; dangerLevel: number; packets: number }[]): [string, number, number][] =>
  sources.map((s) => [s.ip, s.dangerLevel, s.packets] as [string, number, number]).sort()

describe('watch', () => {
  test('an appended scan alerts as it is written, and again on each rise', async () => {
    const ws = workspace()
    const w = await watch(ws.args)
    const t0 = Date.now()
    appendFileSync(ws.log, syns('203.0.113.7', 1000, 1004))
    const first = await w.event((e) => e.type === 'alert', 'the first alert')
    // Read as it is written, not at a poll or a save interval (psad polled every 5 s). The latency
    // itself (under a second, also at 50,000 lines a second) is measured by bench/watch-latency.ts.
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(first).toMatchObject({ ip: '203.0.113.7', dangerLevel: 1, previousDangerLevel: 0, scanTypes: ['SYN'], hosts: ['fw'] })
    appendFileSync(ws.log, syns('203.0.113.7', 1005, 1020))
    const rise = await w.event((e) => e.type === 'alert' && e.dangerLevel === 2, 'the rise to DL 2')
    expect(rise.previousDangerLevel).toBe(1)
    expect(rise.ports.tcp.new).toEqual(['1005-1020'])
    appendFileSync(ws.log, syns('203.0.113.7', 1021, 1025))
    await sleep(1200)
    expect(w.events.filter((e) => e.type === 'alert')).toHaveLength(2)
  })

  test('status equals analyze across a rotation and a kill -9 + restart; a clean stop repeats no alert', async () => {
    const ws = workspace()
    let w = await watch(ws.args)
    appendFileSync(ws.log, syns('203.0.113.8', 1, 30) + syns('198.51.100.4', 1, 6))
    await w.event((e) => e.type === 'alert' && e.ip === '203.0.113.8' && e.dangerLevel === 2, 'DL 2')
    // Rotated while running (rename + create), more lines in both files.
    appendFileSync(ws.log, syns('203.0.113.8', 31, 40))
    renameSync(ws.log, `${ws.log}.1`)
    writeFileSync(ws.log, syns('203.0.113.8', 41, 60))
    // The follower may look between the rename and the create ("removed or renamed") or after both.
    await until(() => /replaced by a new file|removed or renamed/.test(w.stderr), 'the rotation')
    await sleep(1500)
    await w.stop('SIGKILL')
    // Lines written while it is down, and another rotation, are read after the restart, once.
    appendFileSync(ws.log, syns('203.0.113.8', 61, 150))
    appendFileSync(ws.log, syns('192.0.2.99', 1, 20))
    w = await watch(ws.args)
    await w.event((e) => e.type === 'alert' && e.ip === '192.0.2.99', 'the alert for the new source')
    await sleep(1500)
    const status = cliJson(['status', '--state-dir', ws.state, '-c', path.join(ws.dir, 'psad.conf')])
    expect(status.run.status, status.run.stderr).toBe(0)
    const analyze = cliJson(['analyze', `${ws.log}.1`, ws.log, '-c', path.join(ws.dir, 'psad.conf')])
    expect(pick(status.report.sources)).toEqual(pick(analyze.report.sources))
    expect(status.report.summary.packets).toBe(analyze.report.summary.packets)
    expect(status.report.watcher).toMatchObject({ running: true, sourcesTracked: 3 })
    // A clean stop (SIGTERM: exit 0) and a restart: nothing is alerted again, and the next rise is
    // told against the last alert before the restart (its level, the ports new since then).
    expect(await w.stop('SIGTERM')).toBe(0)
    w = await watch(ws.args)
    appendFileSync(ws.log, syns('203.0.113.8', 151, 151))
    await sleep(1500)
    expect(w.events.filter((e) => e.type === 'alert')).toEqual([])
    appendFileSync(ws.log, syns('192.0.2.99', 21, 150))
    const rise = await w.event((e) => e.type === 'alert' && e.ip === '192.0.2.99', 'the rise after the restart')
    expect(rise).toMatchObject({ dangerLevel: 3, previousDangerLevel: 2, ports: { tcp: { new: ['21-150'], all: ['1-150'] } } })
  })

  test('no watcher: status prints the saved state and exits 6', async () => {
    const ws = workspace()
    const w = await watch(ws.args)
    appendFileSync(ws.log, syns('203.0.113.9', 1, 20))
    await w.event((e) => e.type === 'alert' && e.dangerLevel === 2, 'DL 2')
    expect(await w.stop('SIGTERM')).toBe(0)
    const r = cli(['status', '--state-dir', ws.state, '--format', 'json'])
    expect(r.status).toBe(6)
    expect(r.stderr).toMatch(/no watcher is running/)
    const saved = JSON.parse(r.stdout)
    expect(saved.watcher.running).toBe(false)
    expect(pick(saved.sources)).toEqual([['203.0.113.9', 2, 20]])
    const text = cli(['status', '--state-dir', ws.state])
    expect(text.status).toBe(6)
    expect(text.stdout).toMatch(/not running; this is the saved state/)
    expect(cli(['status', '--state-dir', path.join(ws.dir, 'none')]).status).toBe(6)
  })

  test('SIGUSR1 writes a dump; SIGHUP reloads a good configuration and refuses a broken one', async () => {
    const ws = workspace()
    const conf = path.join(ws.dir, 'psad.conf')
    const w = await watch(ws.args)
    w.child.kill('SIGUSR1')
    await until(() => readdirSync(ws.state).some((f) => f.startsWith('dump-')), 'the dump')
    writeFileSync(conf, 'ALERTING_METHODS nosyslog;\nMIN_DANGER_LEVEL 2;\n')
    w.child.kill('SIGHUP')
    await until(() => /configuration reloaded/.test(w.stderr), 'the reload')
    appendFileSync(ws.log, syns('203.0.113.10', 1, 6))
    await sleep(1200)
    expect(w.events.filter((e) => e.type === 'alert')).toEqual([])
    writeFileSync(conf, 'MIN_DANGER_LEVEL nine;\n')
    w.child.kill('SIGHUP')
    await until(() => /reload refused, the running configuration stays: .*MIN_DANGER_LEVEL/.test(w.stderr), 'the refusal')
    appendFileSync(ws.log, syns('203.0.113.10', 7, 20))
    await w.event((e) => e.type === 'alert' && e.dangerLevel === 2, 'an alert at DL 2')
    expect(w.child.exitCode).toBeNull()
  })

  test('a state directory that cannot be written: exit 4 at start, with the reason', () => {
    const ws = workspace()
    writeFileSync(path.join(ws.dir, 'file'), '')
    const r = cli(['watch', ws.log, '--state-dir', path.join(ws.dir, 'file', 'state')])
    expect(r.status).toBe(4)
    expect(r.stderr).toMatch(/state directory .*file\/state is not writable/)
    expect(existsSync(path.join(ws.dir, 'file', 'state'))).toBe(false)
  })

  test('standard input: read to its end, then a clean exit', () => {
    const ws = workspace()
    const r = cli(['watch', '-', '--state-dir', ws.state, '-c', path.join(ws.dir, 'psad.conf')], { input: syns('203.0.113.11', 1, 6) })
    expect(r.status, r.stderr).toBe(0)
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(events.map((e) => [e.type, e.ip, e.dangerLevel])).toEqual([['alert', '203.0.113.11', 1]])
  })

  test('--include-allowed and --no-flood-scoring: the same engine switches as analyze', () => {
    const ws = workspace()
    const run = (input: string, flags: string[]): unknown[] => {
      const r = cli(['watch', '-', '--state-dir', path.join(ws.dir, `s${++n}`), '-c', path.join(ws.dir, 'psad.conf'), ...flags], { input })
      expect(r.status, r.stderr).toBe(0)
      return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e) => [e.type, e.ip, e.dangerLevel])
    }
    const allowed = syns('203.0.113.13', 1, 6).replaceAll(' DROP IN=', ' [UFW ALLOW] IN=')
    expect(run(allowed, [])).toEqual([])
    expect(run(allowed, ['--include-allowed'])).toEqual([['alert', '203.0.113.13', 1]])
    let flood = ''
    for (let i = 0; i < 200; i++) flood += syns('203.0.113.14', 22, 22)
    expect(run(flood, [])).toEqual([['alert', '203.0.113.14', 3]])
    expect(run(flood, ['--no-flood-scoring'])).toEqual([])
  })

  test('blocking in dry-run: one JSON line per decision with the exact commands', async () => {
    const ws = workspace()
    writeFileSync(path.join(ws.dir, 'psad.conf'), 'ALERTING_METHODS nosyslog;\nAUTO_IDS_DANGER_LEVEL 2;\n')
    const w = await watch([...ws.args, '--block', '--block-backend', 'dry-run'])
    expect(w.stderr).toMatch(/blocking on \(--block\): dry-run/)
    appendFileSync(ws.log, syns('203.0.113.12', 1, 20) + syns('127.0.0.1', 1, 20))
    const block = await w.event((e) => e.type === 'block', 'a block line')
    expect(block).toMatchObject({ type: 'block', ip: '203.0.113.12', target: '203.0.113.12/32' })
    expect(block.commands.length).toBeGreaterThan(0)
    expect(block.commands.flat().join(' ')).toMatch(/203\.0\.113\.12/)
    await until(() => /not blocking 127\.0\.0\.1: .*loopback/.test(w.stderr), 'the loopback skip')
  })
})
