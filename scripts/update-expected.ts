// Rewrites test/fixtures/expected/<case>.json from the current engine. Review the diff: every change
// in there is a change in what portsleuth reports for real kernel output.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { renderJson } from '../src/report/json.js'
import { EXPECTED, goldenCases, goldenReport } from '../test/helpers/golden.js'

for (const c of goldenCases()) {
  const report = await goldenReport(c)
  writeFileSync(path.join(EXPECTED, `${c.name}.json`), renderJson(report))
  process.stderr.write(`${c.name}: ${report.sources.length} sources, ${report.summary.packets} packets\n`)
}
