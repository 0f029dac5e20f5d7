import { defaultSettings, type DetectionSettings, type Settings } from '../../src/config/settings.js'
import type { Detector } from '../../src/detect/detector.js'
import { NO_LISTS, type DangerEvent, type DetectionLists } from '../../src/detect/engine.js'
import type { OsDatabase } from '../../src/detect/os/index.js'
import type { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import { buildReport, reportPart, sourceReport } from '../../src/report/build.js'
import type { ReportV1, SourceV1 } from '../../src/report/model.js'
import { detectorOf } from './detector.js'

// A detector fed from log lines with its danger events collected: for the engine's unit tests, which
// read what a caller sees (events, the report, one source's record) after a handful of lines.

/** Nov 22 2026 06:00 UTC: the first timestamp of most engine tests. */
export const T0 = Date.UTC(2026, 10, 22, 6)

/** The RFC 3339 head rsyslog writes for an epoch in ms (no year to infer). */
export const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000+00:00')

export interface FedDetector {
  detector: Detector
  settings: Settings
  events: DangerEvent[]
  /** Feeds more lines. */
  feed(lines: readonly string[]): void
  /** The record of one source, whatever its danger level (null when never seen). */
  source(ip: string): SourceV1 | null
  report(): ReportV1
}

export interface FeedOptions {
  detection?: Partial<DetectionSettings>
  tweak?: (s: Settings) => void
  lists?: Partial<DetectionLists>
  signatures?: SignatureIndex | null
  os?: OsDatabase | null
}

/** Returns a detector of default settings (changed by `o`) that has read `lines`. */
export function fed(lines: readonly string[], o: FeedOptions = {}): FedDetector {
  const settings = defaultSettings()
  if (o.detection !== undefined) settings.detection = { ...settings.detection, ...o.detection }
  o.tweak?.(settings)
  const events: DangerEvent[] = []
  const detector = detectorOf({ settings, signatures: o.signatures ?? null, os: o.os ?? null, lists: { ...NO_LISTS, ...o.lists }, onEvent: (e) => events.push(e) })
  const time = { year: 2026, reference: Date.UTC(2026, 10, 22) }
  const feed = (more: readonly string[]): void => {
    for (const l of more) detector.line(l, time, () => `t:${detector.linesRead + 1}`)
  }
  feed(lines)
  return {
    detector,
    settings,
    events,
    feed,
    source: (ip) => sourceReport(detector, settings, ip),
    report: () => buildReport({ parts: [reportPart(detector, settings)], inputs: [] }, 'test'),
  }
}

/** Events as [ip, from, to, reason] rows. */
export const rows = (events: readonly DangerEvent[]): [string, number, number, string][] => events.map((e) => [e.ip, e.from, e.to, e.reason])

/** An IPv6 LOG line as nf_log_syslog prints it; `ext` is what goes between FLOWLBL= and PROTO= (OPT ( ) per extension header). */
export function v6Line(o: { src?: string; dst?: string; time: string; body: string; ext?: string; len?: number }): string {
  return `${o.time} fw kernel: DROP IN=eth0 OUT= MAC=33:33:ff:00:00:02:02:77:00:00:00:01:86:dd SRC=${o.src ?? '2001:db8::5'} DST=${o.dst ?? '2001:db8::1'} LEN=${o.len ?? 72} TC=0 HOPLIMIT=64 FLOWLBL=0 ${o.ext ?? ''}${o.body}`
}
