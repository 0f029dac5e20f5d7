import { describe, expect, test } from 'vitest'
import type { StatusReport } from '../../src/watch/status.js'
import { renderStatus } from '../../src/watch/status-text.js'
import { syntheticReport } from '../helpers/synthetic-report.js'

// `portsleuth status` as text, from a status report built by hand.

function status(hosts: Record<string, number>[]): StatusReport {
  const r = syntheticReport(hosts.length)
  const sources = r.sources.map((s, i) => ({ ...s, hosts: hosts[i]! }))
  const summary = { ...r.summary, hosts: {} as Record<string, number> }
  for (const h of hosts) for (const [k, n] of Object.entries(h)) summary.hosts[k] = (summary.hosts[k] ?? 0) + n
  return {
    schemaVersion: 1,
    watcher: {
      running: false, pid: null, version: 'test', startedAt: null, uptimeSeconds: null, cpuSeconds: null, memoryBytes: null,
      stateDir: '/var/lib/portsleuth', savedAt: null, sourcesTracked: sources.length, compacted: 0, evicted: 0, blocking: 'blocking off', inputs: [],
    },
    summary,
    sources,
    alerts: [],
    blocks: null,
  }
}

describe('status text', () => {
  test('several syslog hosts: the run-wide counts and each source its own, escaped', () => {
    const r = status([{ fw1: 10, 'fw2\u001b[2J': 3 }, { fw1: 4 }])
    const text = renderStatus(r)
    expect(text).toContain('\nsyslog hosts: fw1 14, fw2\\x1b[2J 3\n')
    const rows = text.split('\n')
    const row = (ip: string): number => rows.findIndex((l) => l.startsWith('   ') && l.includes(` ${ip} `))
    expect(rows[row(r.sources[0]!.ip) + 1]).toBe('      syslog hosts: fw1 10, fw2\\x1b[2J 3')
    expect(rows[row(r.sources[1]!.ip) + 1]).toBe('      syslog hosts: fw1 4')
  })

  test('one syslog host: no host lines', () => {
    expect(renderStatus(status([{ fw1: 10 }, { fw1: 4 }]))).not.toContain('syslog hosts')
  })
})
