import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cliJson, tempDir } from '../helpers/cli.js'
import { sleep } from '../helpers/follow.js'
import { haveTools } from '../helpers/netns.js'
import { Rsyslog } from '../helpers/rsyslog.js'
import { WatchProcess } from '../helpers/watch.js'

// Many firewalls, one watch: two "firewalls" (rsyslog instances with their own host names, fw1 and
// fw2.example.org) forward their kernel messages over TCP on loopback to a central rsyslog, which
// writes them to one kern.log keeping each sender's host name. The forwarding and receiving
// configurations are the ones the README ("Many firewalls, one watch") gives, except for the input: a firewall reads its
// kernel lines from a file (imfile, facility kern, tag kernel:) instead of /dev/kmsg, so the test
// chooses what each firewall logs. watch on the central kern.log must tell the hosts apart.
// Needs the Debian package rsyslog.

const runnable = haveTools(['rsyslogd'])
const { dir, cleanup } = tempDir()
const daemons: Rsyslog[] = []
let watch: WatchProcess | null = null

const central = path.join(dir, 'central')
const kernLog = path.join(central, 'kern.log')
const FIREWALLS = [
  { host: 'fw1', input: path.join(dir, 'fw1.kmsg'), dst: '192.0.2.1' },
  { host: 'fw2.example.org', input: path.join(dir, 'fw2.kmsg'), dst: '192.0.2.2' },
]

// The receiving side (the README, "Many firewalls, one watch"), on a port of its choosing.
const RECEIVE = `module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="${central}/port" ruleset="remote")
ruleset(name="remote") {
  if $syslogfacility-text == "kern" then {
    action(type="omfile" file="${kernLog}" template="RSYSLOG_FileFormat")
  }
}
`

// The forwarding side (the README, "Many firewalls, one watch"), but reading kernel lines from a file.
const forward = (input: string, port: number): string => `global(preserveFQDN="on")
module(load="imfile")
input(type="imfile" file="${input}" tag="kernel:" facility="kern" severity="warning")
kern.* action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" template="RSYSLOG_ForwardFormat"
              queue.type="LinkedList" queue.filename="portsleuth_fwd" queue.saveOnShutdown="on"
              action.resumeRetryCount="-1")
`

let id = 0
/** SYN probes from `src` to ports lo..hi of `dst`, as the kernel's LOG target writes them (message text only). */
function probes(src: string, dst: string, lo: number, hi: number): string {
  let out = ''
  for (let p = lo; p <= hi; p++) out += `DROP IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=49 ID=${++id} PROTO=TCP SPT=51234 DPT=${p} WINDOW=1024 RES=0x00 SYN URGP=0 \n`
  return out
}

beforeAll(async () => {
  if (!runnable) return
  writeFileSync(path.join(dir, 'psad.conf'), 'ALERTING_METHODS nosyslog;\n')
  daemons.push(await Rsyslog.start(central, RECEIVE, 'central'))
  const port = await daemons[0]!.port(path.join(central, 'port'))
  for (const fw of FIREWALLS) {
    writeFileSync(fw.input, '')
    daemons.push(await Rsyslog.start(path.join(dir, fw.host), forward(fw.input, port), fw.host))
  }
}, 120_000)

afterAll(async () => {
  try {
    await watch?.stop('SIGKILL')
    for (const d of daemons) await d.stop()
  } finally {
    cleanup()
  }
})

describe.skipIf(!runnable)('firewalls forwarding to a central rsyslog', () => {
  test('watch on the central kern.log tells the two hosts apart', async () => {
    // rsyslog creates the central kern.log with the first line it receives: watch waits for the file.
    watch = await WatchProcess.start([kernLog, '--state-dir', path.join(dir, 'state'), '-c', path.join(dir, 'psad.conf'), '--save-interval', '1s'])
    // One scanner probes both firewalls (DL 2 for its 20 probes to fw2's network); another only fw2.
    appendFileSync(FIREWALLS[0]!.input, probes('203.0.113.7', FIREWALLS[0]!.dst, 1, 10))
    appendFileSync(FIREWALLS[1]!.input, probes('203.0.113.7', FIREWALLS[1]!.dst, 1, 20) + probes('192.0.2.200', FIREWALLS[1]!.dst, 20, 26))
    await watch.event((e) => e.type === 'alert' && e.ip === '203.0.113.7' && e.dangerLevel === 2, 'the DL 2 alert of the scanner of both firewalls')
    await watch.event((e) => e.type === 'alert' && e.ip === '192.0.2.200', 'the alert of the scanner of fw2')

    const lines = readFileSync(kernLog, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(10 + 20 + 7)
    expect(lines.filter((l) => /^\S+ fw1 kernel: DROP IN=eth0 .* DST=192\.0\.2\.1 /.test(l))).toHaveLength(10)
    expect(lines.filter((l) => /^\S+ fw2\.example\.org kernel: DROP IN=eth0 .* DST=192\.0\.2\.2 /.test(l))).toHaveLength(27)

    await sleep(1200)
    const status = cliJson(['status', '--state-dir', path.join(dir, 'state'), '-c', path.join(dir, 'psad.conf')])
    expect(status.run.status, status.run.stderr).toBe(0)
    expect(status.report.summary.hosts).toEqual({ fw1: 10, 'fw2.example.org': 27 })
    const scanner = status.report.sources.find((s: { ip: string }) => s.ip === '203.0.113.7')
    expect(scanner).toMatchObject({ dangerLevel: 2, packets: 30 })
    expect(scanner.destinations.map((d: { ip: string; packets: number }) => [d.ip, d.packets]).sort()).toEqual([['192.0.2.1', 10], ['192.0.2.2', 20]])
    // TODO(lead): each source's own hosts are not tracked yet: SourceV1.hosts (packets per syslog
    // host) is being added by another engineer, and src/watch/watcher.ts passes [] as the alert's
    // hosts. Once both are there, assert:
    //   expect(scanner.hosts).toEqual({ fw1: 10, 'fw2.example.org': 20 })
    //   expect(status.report.sources.find((s) => s.ip === '192.0.2.200').hosts).toEqual({ 'fw2.example.org': 7 })
    //   and on the DL 2 alert event above: expect([...alert.hosts].sort()).toEqual(['fw1', 'fw2.example.org'])
  })
})
