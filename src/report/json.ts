import type { ReportV1 } from './model.js'

/** Renders the report as pretty-printed JSON (schema v1), with a trailing newline. */
export function renderJson(report: ReportV1): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
