import { printable } from '../core/excerpt.js'
import type { StatusReport } from './status.js'

// `portsleuth status` as text: the watcher, its inputs, the counters, the sources worst first, recent
// alerts and blocks. Log-derived text is shown with control characters escaped.

function duration(s: number): string {
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(s % 60)}s`
}

const counts = (r: Record<string, number>): string => Object.entries(r).map(([k, n]) => `${printable(k)} ${n}`).join(', ') || 'none'

/** Returns the status report as text, listing at most `top` sources. */
export function renderStatus(r: StatusReport, top = 20): string {
  const w = r.watcher
  const out: string[] = []
  out.push(w.running
    ? `portsleuth watch: running (pid ${w.pid}), up ${duration(w.uptimeSeconds ?? 0)}, CPU ${w.cpuSeconds ?? 0} s, ${Math.round((w.memoryBytes ?? 0) / 1048576)} MB`
    : 'portsleuth watch: not running; this is the saved state')
  out.push(`state: ${printable(w.stateDir)}, saved ${w.savedAt ?? 'never'}; ${w.blocking}`)
  if (w.inputs.length > 0) {
    out.push('inputs:')
    for (const i of w.inputs) out.push(`  ${printable(i.input)}  ${i.state}${i.reason === null ? '' : ` (${printable(i.reason)})`}  ${i.lines} lines${i.offset === null ? '' : `, offset ${i.offset}`}`)
  }
  const s = r.summary
  out.push(`lines: ${s.linesRead}, packets: ${s.packets} (${counts(s.protocols)}); skipped: ${counts(s.skipped)}`)
  const dl = s.dangerLevels
  if (Object.keys(s.hosts).length > 1) out.push(`syslog hosts: ${counts(s.hosts)}`)
  out.push(`sources: ${s.sourcesSeen} seen, ${w.sourcesTracked} tracked (compacted ${w.compacted}, evicted ${w.evicted}); DL5 ${dl['5']}, DL4 ${dl['4']}, DL3 ${dl['3']}, DL2 ${dl['2']}, DL1 ${dl['1']}`)
  if (r.sources.length > 0) {
    out.push('', '  DL  SOURCE                                   PACKETS  SCAN TYPES          LAST SEEN')
    // With several firewalls in the log (a central syslog), each source says which of them it reached.
    const severalHosts = Object.keys(s.hosts).length > 1
    for (const src of r.sources.slice(0, top)) {
      out.push(`  ${String(src.dangerLevel).padStart(2)}  ${src.ip.padEnd(39)}  ${String(src.packets).padStart(7)}  ${(src.scanTypes.join(',') || '-').padEnd(18)}  ${src.lastSeen ?? '-'}`)
      if (severalHosts) out.push(`      syslog hosts: ${counts(src.hosts)}`)
    }
    if (r.sources.length > top) out.push(`  … and ${r.sources.length - top} more (--top, --format json)`)
  }
  if (r.alerts.length > 0) {
    out.push('', 'recent alerts:')
    for (const a of r.alerts.slice(-10)) out.push(`  ${a.time}  ${a.ip}  DL ${a.previousDangerLevel} -> ${a.dangerLevel}  ${printable(a.reason)}`)
  }
  if (r.blocks !== null) {
    out.push('', r.blocks.length === 0 ? 'blocks: none' : `blocks (${r.blocks.length}):`)
    for (const b of r.blocks) out.push(`  ${b.target.padEnd(20)}  DL ${b.dangerLevel}  ${b.remaining === null ? 'permanent' : `${duration(b.remaining)} left`}  ${printable(b.reason)}`)
  }
  return `${out.join('\n')}\n`
}
