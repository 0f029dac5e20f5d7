import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runBatch } from '../../src/run/batch.js'
import type { ConfigOverrides } from '../../src/config/bundle.js'
import type { PlanRequest } from '../../src/config/plan.js'
import type { ReportV1 } from '../../src/report/model.js'

// The golden cases: every capture in test/fixtures/captures with default settings, plus variants
// that pin a setting's effect on real output. Expected reports live in test/fixtures/expected;
// `npm run fixtures:update` rewrites them (review the diff before committing).

export const CAPTURES = fileURLToPath(new URL('../fixtures/captures/', import.meta.url))
export const EXPECTED = fileURLToPath(new URL('../fixtures/expected/', import.meta.url))

export interface GoldenCase {
  name: string
  capture: string
  overrides: ConfigOverrides
  /** Settings of the plan that are flags, not configuration (--include-allowed, --no-flood-scoring). */
  plan?: Pick<PlanRequest, 'includeAllowed' | 'floodScoring'>
}

const VARIANTS: GoldenCase[] = [
  { name: 'ack-scan.conntrack-ignore', capture: 'ack-scan.log', overrides: { conntrack: 'ignore' } },
  { name: 'conntrack-leftovers.conntrack-keep', capture: 'conntrack-leftovers.log', overrides: { conntrack: 'keep' } },
  { name: 'sample.min-dl-2', capture: 'sample.log', overrides: { minDangerLevel: 2 } },
  { name: 'ssh-flood.no-flood-scoring', capture: 'ssh-flood.log', overrides: {}, plan: { floodScoring: false } },
  { name: 'ufw-actions.include-allowed', capture: 'ufw-actions.log', overrides: {}, plan: { includeAllowed: true } },
]

export function goldenCases(): GoldenCase[] {
  const plain = readdirSync(CAPTURES)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => ({ name: f.replace(/\.log$/, ''), capture: f, overrides: {} }))
  return [...plain, ...VARIANTS]
}

/** Analyses a golden case like `portsleuth analyze --year 2026 --format json` and normalises volatile values. */
export async function goldenReport(c: GoldenCase): Promise<ReportV1> {
  const outcome = await runBatch({
    plan: {
      config: { configFile: null, psadDir: null, overrides: c.overrides },
      since: null,
      until: null,
      criteria: [],
      year: 2026,
      maxLineLength: 16384,
      now: Date.UTC(2026, 10, 22, 12),
      ...c.plan,
    },
    files: [path.join(CAPTURES, c.capture)],
    journal: false,
    threads: undefined,
    version: '0.0.0-test',
  })
  const r = outcome.report
  return { ...r, inputs: r.inputs.map((i) => ({ ...i, name: path.basename(i.name) })) }
}
