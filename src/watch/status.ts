import { cpuUsage, memoryUsage, pid } from 'node:process'
import type { Plan } from '../config/plan.js'
import type { Detector } from '../detect/detector.js'
import type { Tracker } from '../detect/tracker.js'
import { buildReport, reportPart, sourceReport } from '../report/build.js'
import type { ReportV1, SourceV1 } from '../report/model.js'
import type { InputStatus } from '../sources/follow/follower.js'
import type { RecentAlert } from './alert-desk.js'
import type { BlockView } from './block-desk.js'

// What `portsleuth status` shows, from a running watcher (through its socket) or from the saved state
// when none runs: the watcher itself, its inputs, the run-wide counters, the sources (the same records
// as `analyze`'s JSON report v1: same danger level and packet count for the same lines), recent
// alerts and the blocks in force.

export interface WatcherInfo {
  running: boolean
  pid: number | null
  version: string
  startedAt: string | null
  uptimeSeconds: number | null
  cpuSeconds: number | null
  memoryBytes: number | null
  stateDir: string
  savedAt: string | null
  /** Sources in memory, and over the state's life those compacted (idle past SCAN_TIMEOUT) and evicted (past the cap). */
  sourcesTracked: number
  compacted: number
  evicted: number
  blocking: string
  inputs: InputStatus[]
}

export interface StatusReport {
  schemaVersion: 1
  watcher: WatcherInfo
  summary: ReportV1['summary']
  sources: SourceV1[]
  alerts: readonly RecentAlert[]
  blocks: BlockView[] | null
}

export interface StatusInputs {
  detector: Detector
  plan: Plan
  version: string
  running: boolean
  started: number | null
  now: number
  savedAt: number | null
  stateDir: string
  inputs: InputStatus[]
  tracker: Tracker | null
  alerts: readonly RecentAlert[]
  blocks: BlockView[] | null
  blocking: string
  /** Only this source (whatever its danger level), when given. */
  ip: string | null
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** Builds the status report. */
export function statusReport(i: StatusInputs): StatusReport {
  const report = buildReport({ parts: [reportPart(i.detector, i.plan.settings)], inputs: [] }, i.version)
  let sources = report.sources
  if (i.ip !== null) {
    const one = sourceReport(i.detector, i.plan.settings, i.ip)
    sources = one === null ? [] : [one]
  }
  const cpu = i.running ? cpuUsage() : null
  return {
    schemaVersion: 1,
    watcher: {
      running: i.running,
      pid: i.running ? pid : null,
      version: i.version,
      startedAt: iso(i.started),
      uptimeSeconds: i.started === null ? null : Math.round((i.now - i.started) / 1000),
      cpuSeconds: cpu === null ? null : Math.round((cpu.user + cpu.system) / 1e4) / 100,
      memoryBytes: i.running ? memoryUsage().rss : null,
      stateDir: i.stateDir,
      savedAt: iso(i.savedAt),
      sourcesTracked: i.detector.engine.sources.size,
      compacted: i.tracker?.compacted ?? 0,
      evicted: i.tracker?.evicted ?? 0,
      blocking: i.blocking,
      inputs: i.inputs,
    },
    summary: report.summary,
    sources,
    alerts: i.alerts,
    blocks: i.blocks,
  }
}
