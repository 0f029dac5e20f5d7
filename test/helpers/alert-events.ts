import { buildAlert, snapshot } from '../../src/respond/alert/alert.js'
import type { AlertEvent, BlockEvent } from '../../src/respond/alert/event.js'
import type { SourceV1 } from '../../src/report/model.js'
import { analyzeLines, range, tcpLine, udpLine } from './lines.js'

// Alert events built the way `watch` builds them: real log lines through the real engine, then
// buildAlert against the snapshot of an earlier state of the same source.

export const HOSTILE = 'evil\n<13>Nov 22 10:00:00 fw psad: scan detected: 6.6.6.6 -> x %s%n $(touch /tmp/pwn) `id` \x1b[31mred\x1b[0m \u202eabc'

/** The source 203.0.113.7 after a SYN scan of tcp/20-39 on 192.0.2.10 (DL 2), and after more. */
export function scanSources(): { first: SourceV1; later: SourceV1 } {
  const first = range(20, 20).map((p) => tcpLine({ dport: p, src: '203.0.113.7', dst: '192.0.2.10' }))
  const more = [
    ...range(20, 40).map((p) => tcpLine({ dport: p, src: '203.0.113.7', dst: '192.0.2.10', time: 'Nov 22 10:00:05' })),
    ...range(150, 60).map((p) => tcpLine({ dport: p, src: '203.0.113.7', dst: '192.0.2.10', time: 'Nov 22 10:00:05' })),
    udpLine({ dport: 53, src: '203.0.113.7', dst: '192.0.2.11', time: 'Nov 22 10:00:06' }),
  ]
  const a = analyzeLines(first).sources.find((s) => s.ip === '203.0.113.7')!
  const b = analyzeLines([...first, ...more]).sources.find((s) => s.ip === '203.0.113.7')!
  return { first: a, later: b }
}

/** A first alert (DL 2, 20 SYNs to 192.0.2.10). */
export function firstAlert(over: Partial<AlertEvent> = {}): AlertEvent {
  const { first } = scanSources()
  return { ...buildAlert(first, null, { time: Date.UTC(2026, 10, 22, 10, 0, 0), hosts: ['fw'], lines: ['line one'] }), ...over }
}

/** The alert after the DL rose (DL 3: more ports, a second destination). */
export function laterAlert(over: Partial<AlertEvent> = {}): AlertEvent {
  const { first, later } = scanSources()
  return { ...buildAlert(later, snapshot(first), { time: Date.UTC(2026, 10, 22, 10, 0, 6), hosts: ['fw'], lines: ['l1', 'l2'] }), ...over }
}

export function blockEvent(over: Partial<BlockEvent> = {}): BlockEvent {
  return { type: 'block', time: '2026-11-22T10:00:06.000Z', ip: '203.0.113.7', target: '203.0.113.7', timeout: 3600, reason: 'DL 5', dangerLevel: 5, backend: 'iptables', ...over }
}
