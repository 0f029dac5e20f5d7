import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, describe, expect, test } from 'vitest'
import { cli, ROOT, tempDir } from '../helpers/cli.js'
import { EXPECTED } from '../helpers/golden.js'
import { range, tcpLine } from '../helpers/lines.js'
import { syntheticReport } from '../helpers/synthetic-report.js'

// schema/report-v1.json, the published contract of the JSON report, checked by a real validator
// (ajv, JSON Schema 2020-12, strict) against real output: every golden expectation and CLI runs.

const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema/report-v1.json'), 'utf8'))
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema)
const errors = (report: unknown): string[] => (validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`))

const { dir, cleanup } = tempDir()
afterAll(cleanup)

describe('report v1 JSON Schema', () => {
  test('is published with the package', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).files).toContain('schema')
  })

  const goldens = readdirSync(EXPECTED).filter((f) => f.endsWith('.json'))
  test.each(goldens)('golden %s is valid', (name) => {
    expect(errors(JSON.parse(readFileSync(path.join(EXPECTED, name), 'utf8')))).toEqual([])
  })

  test('a CLI run with a missing input, a window and malformed lines is valid', () => {
    const log = path.join(dir, 'scan.log')
    writeFileSync(log, `${range(200, 1000).map((p) => tcpLine({ dport: p })).join('\n')}\nNov 22 10:00:00 fw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=x WINDOW=1 RES=0x00 SYN URGP=0\n`)
    const r = cli(['analyze', log, path.join(dir, 'missing.log'), '--format', 'json', '--since', '2026-11-01', '--year', '2026'])
    expect(r.status).toBe(4)
    const report = JSON.parse(r.stdout)
    expect(report.malformed.length).toBe(1)
    expect(errors(report)).toEqual([])
  })

  test('a large synthetic report with enrichment is valid', () => {
    const report = syntheticReport(300)
    report.sources[0]!.enrichment = { dns: 'scanner.example.net', whois: null }
    expect(errors(JSON.parse(JSON.stringify(report)))).toEqual([])
  })

  test('the validator bites: an unknown field, a wrong type, a bad time are errors', () => {
    const report = JSON.parse(readFileSync(path.join(EXPECTED, 'syn-scan.json'), 'utf8'))
    expect(errors({ ...report, extra: 1 })).not.toEqual([])
    expect(errors({ ...report, sources: [{ ...report.sources[0], dangerLevel: '3' }] })).not.toEqual([])
    expect(errors({ ...report, summary: { ...report.summary, firstSeen: '2026-11-22 08:28' } })).not.toEqual([])
    const { timeline: _, ...withoutTimeline } = report
    expect(errors(withoutTimeline)).not.toEqual([])
  })
})
