import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { renderJson, renderJsonChunks } from '../../src/report/json.js'
import type { ReportV1 } from '../../src/report/model.js'

const EXPECTED = path.join(import.meta.dirname, '..', 'fixtures', 'expected')
const reference = (r: unknown): string => `${JSON.stringify(r, null, 2)}\n`

describe('JSON report rendered in pieces', () => {
  test.each(readdirSync(EXPECTED).filter((f) => f.endsWith('.json')))('%s: the pieces join to JSON.stringify output', (file) => {
    const report = JSON.parse(readFileSync(path.join(EXPECTED, file), 'utf8')) as ReportV1
    expect(renderJson(report)).toBe(reference(report))
  })

  test('a large report comes in bounded pieces, same bytes; awkward strings survive', () => {
    const source = (i: number) => ({ ip: `198.51.100.${i % 256}`, note: 'line\nbreak "quoted" \u2028 é \u0000', nested: { list: [1, [2, {}], []], empty: {} } })
    const report = { schemaVersion: 1, sources: Array.from({ length: 5000 }, (_, i) => source(i)), topPorts: [], timeline: [[1, 2]], summary: {} } as unknown as ReportV1
    const chunks = [...renderJsonChunks(report)]
    expect(chunks.length).toBeGreaterThan(5)
    for (const c of chunks) expect(c.length).toBeLessThan((1 << 16) + 1000)
    expect(chunks.join('')).toBe(reference(report))
    expect(JSON.parse(chunks.join(''))).toEqual(report)
  })

  test('an empty object', () => {
    expect(renderJson({} as ReportV1)).toBe('{}\n')
  })
})
