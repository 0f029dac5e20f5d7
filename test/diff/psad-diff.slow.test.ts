import { existsSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { diffCorpus } from '../../scripts/psad-diff.js'
import { UNEXPECTED } from '../../scripts/psad-diff/diff.js'
import { renderCase } from '../../scripts/psad-diff/report.js'
import { psadAvailable } from '../../scripts/psad-diff/run-psad.js'

// Differential check against Debian's psad 2.4.6 (scripts/psad-diff.ts): both tools read the same
// generated corpus with psad's own psad.conf and signature file. Danger levels must agree for at least
// 99% of the sources either tool flags, counting differences with a documented cause
// (scripts/psad-diff/expected.ts) as agreement; every other difference is listed on failure.
// Skipped where psad is not installed (CI installs it) or cannot run (it needs root).

const CONFIG = '/etc/psad/psad.conf'
const SIGNATURES = '/etc/psad/signatures'
const canRun = process.getuid?.() === 0 && existsSync(CONFIG) && existsSync(SIGNATURES) && (await psadAvailable())

describe.skipIf(!canRun)('portsleuth vs psad 2.4.6 on a generated corpus', () => {
  test('20,000 psad-compatible lines: ≥ 99% of danger levels agree', async () => {
    const r = await diffCorpus({ lines: 20_000, seed: 1, config: CONFIG, signatures: SIGNATURES, sampleLines: 5 })
    const report = renderCase(r, 200)
    // The corpus is meant to contain only lines psad can parse, so the comparison is about detection.
    expect(r.psad.errorLines, report).toEqual([])
    expect(r.comparison.compared, report).toBeGreaterThan(500)
    const unexpected = r.attributed.filter((a) => a.causes.dl === UNEXPECTED).map((a) => a.diff.ip)
    expect(r.agreementPct, `${unexpected.length} unexpected DL differences (${unexpected.slice(0, 20).join(', ')})\n${report}`).toBeGreaterThanOrEqual(99)
  })
})
