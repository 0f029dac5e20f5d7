import type { Dispatcher } from './dispatcher.js'
import type { AlertEvent } from './event.js'

// `portsleuth alert test`: one alert, clearly marked, about 192.0.2.1 (TEST-NET-1, RFC 5737, which
// no real host uses), through every channel ALERTING_METHODS leaves on, past the danger-level
// gates, limits and digests. Each channel says whether it delivered.

export const TEST_IP = '192.0.2.1'

export interface ChannelResult {
  channel: string
  kind: string
  ok: boolean
  /** Why it failed. */
  error?: string
}

/** Returns the test alert event at `time` (epoch ms). */
export function testAlert(time: number): AlertEvent {
  const iso = new Date(time).toISOString()
  return {
    type: 'alert',
    time: iso,
    ip: TEST_IP,
    dangerLevel: 3,
    previousDangerLevel: 0,
    reason: 'test alert',
    scanTypes: ['SYN'],
    nmapOptions: ['-sS'],
    signatures: [],
    ports: { tcp: { new: ['22-80'], all: ['22-80'] }, udp: { new: [], all: [] } },
    destinations: [{ ip: '192.0.2.10', tcpPorts: '22-80', udpPorts: null, packets: 59, newPackets: 59, protocols: 1 }],
    destinationsTotal: 1,
    flags: { SYN: 59 },
    chains: { INPUT: 59 },
    logPrefixes: { 'portsleuth test': 59 },
    packets: 59,
    newPackets: 59,
    firstSeen: iso,
    lastSeen: iso,
    hosts: [],
    os: [],
    findings: [],
    lines: [],
    test: true,
  }
}

/** Sends the test alert through every enabled channel at once; resolves with each one's result (a channel that takes longer than `timeoutMs` failed). */
export async function sendTestAlert(dispatcher: Dispatcher, opts: { time: number; timeoutMs?: number }): Promise<ChannelResult[]> {
  const e = testAlert(opts.time)
  const limit = opts.timeoutMs ?? 30_000
  return Promise.all(
    dispatcher.channels.filter((c) => dispatcher.enabled(c)).map(async (c): Promise<ChannelResult> => {
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          c.test(e),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no result within ${limit / 1000} s`)), limit))),
        ])
        return { channel: c.name, kind: c.kind, ok: true }
      } catch (err) {
        return { channel: c.name, kind: c.kind, ok: false, error: err instanceof Error ? err.message : String(err) }
      } finally {
        clearTimeout(timer)
      }
    }),
  )
}
