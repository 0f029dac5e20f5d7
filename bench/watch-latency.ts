// How fast `watch` turns a written line into an alert while the log is busy, and the highest line rate
// it keeps up with. A writer appends background traffic (one port per source: never a scan) at a
// given rate, and once a second a probe: five SYNs from a new source to five ports (DL 1). The latency
// is the time from writing the probe's last line to reading its alert on watch's standard output.
// Background senders cycle through --sources addresses (default 20,000).
//
//   npx tsx bench/watch-latency.ts                    50,000 lines/s for 10 s, then rates up to 400,000
//   npx tsx bench/watch-latency.ts --rate 50000 --seconds 20 --no-ramp
//
// Runs the built CLI (dist/): `npm run build` first.

import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const args = process.argv.slice(2)
const opt = (name: string, dflt: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt)
const RATE = opt('--rate', 50_000)
const SECONDS = opt('--seconds', 10)
const RAMP = !args.includes('--no-ramp')
/** Distinct background sources (internet noise repeats its senders; --sources 0: every line a new one). */
const SOURCES = opt('--sources', 20_000) || Number.MAX_SAFE_INTEGER

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00')
const line = (t: number, src: string, dport: number): string =>
  `${iso(t)} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=${dport} WINDOW=1024 RES=0x00 SYN URGP=0 \n`

interface Phase {
  rate: number
  latencies: number[]
  missed: number
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'psl-watch-bench-'))
  const log = path.join(dir, 'kern.log')
  writeFileSync(log, '')
  writeFileSync(path.join(dir, 'psad.conf'), 'ALERTING_METHODS nosyslog;\n')
  const child = spawn(process.execPath, [BIN, 'watch', log, '--state-dir', path.join(dir, 'state'), '-c', path.join(dir, 'psad.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
  const alerts = new Map<string, number>()
  let rest = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const lines = (rest + d).split('\n')
    rest = lines.pop()!
    for (const l of lines) {
      const m = /"type":"alert","time":"[^"]*","ip":"([^"]+)"/.exec(l)
      if (m !== null && !alerts.has(m[1]!)) alerts.set(m[1]!, performance.now())
    }
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  while (!/watching /.test(stderr)) await sleep(20)

  let probe = 0
  let bg = 0
  const t0 = Date.UTC(2026, 10, 22, 10)
  async function phase(rate: number, seconds: number): Promise<Phase> {
    const result: Phase = { rate, latencies: [], missed: 0 }
    const sent: [string, number][] = []
    const tickMs = 10
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
    const start = performance.now()
    let ticks = 0
    while (performance.now() - start < seconds * 1000) {
      let chunk = ''
      for (let i = 0; i < perTick; i++) {
        bg++
        const s = bg % SOURCES
        chunk += line(t0 + bg, `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}`, 443)
      }
      if (ticks % (1000 / tickMs) === 0) {
        const src = `198.18.${(probe >> 8) & 255}.${probe++ & 255}`
        for (let p = 1; p <= 5; p++) chunk += line(t0 + bg, src, p)
        appendFileSync(log, chunk)
        sent.push([src, performance.now()])
      } else appendFileSync(log, chunk)
      ticks++
      const due = start + ticks * tickMs
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
    }
    await sleep(2000)
    for (const [src, at] of sent) {
      const got = alerts.get(src)
      if (got === undefined) result.missed++
      else result.latencies.push(got - at)
    }
    return result
  }

  const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? Number.NaN
  const show = (r: Phase): string => `${r.rate.toLocaleString('en-US')} lines/s: alert latency median ${Math.round(pct(r.latencies, 50))} ms, p95 ${Math.round(pct(r.latencies, 95))} ms, max ${Math.round(Math.max(...r.latencies))} ms${r.missed > 0 ? `, ${r.missed} probes without alert` : ''}`
  const main = await phase(RATE, SECONDS)
  process.stdout.write(`${show(main)}\n`)
  if (RAMP) {
    let best = 0
    for (const rate of [100_000, 150_000, 200_000, 300_000, 400_000]) {
      const r = await phase(rate, 5)
      process.stdout.write(`  ${show(r)}\n`)
      if (r.missed === 0 && pct(r.latencies, 95) < 1000) best = rate
      else break
    }
    process.stdout.write(`highest rate kept up with (p95 under 1 s): ${best > 0 ? best.toLocaleString('en-US') : `below 100,000`} lines/s\n`)
  }
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
}

await main()
