import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { UsageError } from '../../src/core/errors.js'
import { CSV_TABLES, DESTINATION_COLUMNS, parseCsvTable, PORT_COLUMNS, renderCsv, SIGNATURE_COLUMNS, SOURCE_COLUMNS } from '../../src/report/csv.js'
import { mergePortRanges } from '../../src/report/csv-ports.js'
import type { ReportV1 } from '../../src/report/model.js'
import { analyzeLines, range, tcpLine } from '../helpers/lines.js'
import { strictCsv } from '../helpers/strict-csv.js'
import { csvTable } from '../../src/report/csv-cells.js'

/** Header names of each table, in output order. */
const CSV_COLUMN_NAMES = {
  sources: SOURCE_COLUMNS.map((c) => c.name),
  signatures: SIGNATURE_COLUMNS.map((c) => c.name),
  ports: PORT_COLUMNS.map((c) => c.name),
  destinations: DESTINATION_COLUMNS.map((c) => c.name),
}

const capture = (name: string): string[] =>
  readFileSync(new URL(`../fixtures/captures/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '')

// A strict RFC 4180 reader (records end in LF), so the tests check what a spreadsheet would see.
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c !== '"') cell += c
      else if (text[i + 1] === '"') {
        cell += '"'
        i++
      } else quoted = false
    } else if (c === '"' && cell === '') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  expect(cell).toBe('')
  expect(row).toEqual([])
  return rows
}

function table(report: ReportV1, name: (typeof CSV_TABLES)[number]): Record<string, string>[] {
  const [header, ...rows] = parseCsv(renderCsv(report, name))
  expect(header).toEqual(CSV_COLUMN_NAMES[name])
  for (const r of rows) expect(r).toHaveLength(header!.length)
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])))
}

describe('column order (the README contract)', () => {
  test('each table has exactly these columns, in this order', () => {
    expect(CSV_COLUMN_NAMES).toEqual({
      sources: [
        'ip', 'danger_level', 'packets', 'first_seen', 'last_seen', 'scan_types', 'nmap_options', 'destinations',
        'tcp_ports', 'udp_ports', 'signature_hits', 'signature_messages', 'os', 'findings',
      ],
      signatures: ['sid', 'psad_id', 'message', 'protocol', 'hits', 'sources'],
      ports: ['protocol', 'port', 'packets'],
      destinations: [
        'source', 'source_danger_level', 'destination', 'packets', 'tcp_ports', 'udp_ports', 'udplite_ports',
        'protocols', 'first_seen', 'last_seen',
      ],
    })
  })
  test('every column is documented', () => {
    for (const c of SOURCE_COLUMNS) expect(c.description.length).toBeGreaterThan(5)
  })
  test('an empty report is a header row only', () => {
    const empty = analyzeLines([])
    for (const t of CSV_TABLES) expect(renderCsv(empty, t)).toBe(`${CSV_COLUMN_NAMES[t].join(',')}\n`)
  })
  test('the default table is sources', () => {
    const report = analyzeLines(capture('syn-scan.log'))
    expect(renderCsv(report)).toBe(renderCsv(report, 'sources'))
  })
})

describe('sources table', () => {
  const report = analyzeLines([...capture('syn-scan.log'), ...capture('ipv6-syn-scan.log'), ...capture('udp-scan.log')])
  const rows = table(report, 'sources')

  test('an IPv4 SYN + UDP scan, times in ISO 8601 UTC', () => {
    const row = rows.find((r) => r.ip === '10.77.0.1')!
    expect(row).toMatchObject({
      danger_level: '3',
      packets: '302',
      first_seen: '2026-11-22T08:28:15.129Z',
      scan_types: 'SYN;UDP',
      destinations: '1',
      tcp_ports: '1000-1150',
      udp_ports: '1000-1150',
      signature_hits: '0',
      signature_messages: '',
      os: '',
    })
    expect(row.last_seen).toMatch(/^2026-11-22T08:\d\d:\d\d\.\d{3}Z$/)
    // escape_formulas: a cell starting with '-' could be a formula, so it is prefixed with a quote.
    expect(row.nmap_options).toBe("'-sS;-sU")
  })

  test('an IPv6 source is a row like any other', () => {
    const row = rows.find((r) => r.ip === 'fd77::1')!
    expect(row).toMatchObject({ danger_level: '3', packets: '151', scan_types: 'SYN', tcp_ports: '1000-1150', udp_ports: '' })
  })

  test('port ranges are the union over destinations, in order', () => {
    const lines = [
      tcpLine({ dst: '192.0.2.7', dport: 22 }),
      ...range(151, 1000).map((p) => tcpLine({ dst: '192.0.2.1', dport: p })),
      ...range(10, 1100).map((p) => tcpLine({ dst: '192.0.2.2', dport: p })),
    ]
    const row = table(analyzeLines(lines), 'sources')[0]!
    expect(row.tcp_ports).toBe('22;1000-1150')
    expect(row.destinations).toBe('3')
  })
})

describe('mergePortRanges', () => {
  test.each([
    [[], ''],
    [[null, null], ''],
    [['22'], '22'],
    [['1000-1150', '22'], '22;1000-1150'],
    [['1-10', '5-20', '21', '23-30'], '1-21;23-30'],
    [['80', '80', '443'], '80;443'],
    [['junk', '9-3', '7'], '7'],
  ] as [(string | null)[], string][])('%j -> %s', (input, out) => {
    expect(mergePortRanges(input)).toBe(out)
  })
})

describe('hostile text', () => {
  const report = analyzeLines(range(20, 1000).map((p) => tcpLine({ dport: p })))
  const src = report.sources[0]!
  src.signatures.push({ sid: 1, psadId: 100, msg: 'BACKDOOR "evil", part 2\nline two', protocol: 'tcp', count: 3, dangerLevel: 2 })
  src.findings.push({ kind: 'x', message: "=cmd|' /C calc'!A0" })
  src.os.push({ os: '@SUM(1+1)*cmd|" /C calc"!A0', method: 'p0f' })
  report.topSignatures.push({ sid: null, psadId: null, msg: '+HYPERLINK("http://x")', protocol: 'tcp', count: 1, sources: 1 })
  report.topSignatures.push({ sid: 2003, psadId: 100200, msg: 'esc \u001b[31mred\u001b[0m, \u202eevil', protocol: 'udp', count: 2, sources: 1 })

  test('commas, quotes and newlines are quoted per RFC 4180 and survive a round trip', () => {
    const text = renderCsv(report, 'sources')
    expect(text).toContain('"BACKDOOR ""evil"", part 2\nline two"')
    const row = table(report, 'sources')[0]!
    expect(row.signature_messages).toBe('BACKDOOR "evil", part 2\nline two')
    expect(row.signature_hits).toBe('3')
  })

  test('formulas are neutralised with a leading quote', () => {
    const row = table(report, 'sources')[0]!
    expect(row.findings).toBe("'=cmd|' /C calc'!A0")
    expect(row.os).toBe('\'@SUM(1+1)*cmd|" /C calc"!A0 (p0f)')
    const sigs = table(report, 'signatures')
    expect(sigs[0]).toEqual({ sid: '', psad_id: '', message: '\'+HYPERLINK("http://x")', protocol: 'tcp', hits: '1', sources: '1' })
  })

  test('terminal escapes and bidi controls become visible escapes', () => {
    const sig = table(report, 'signatures')[1]!
    expect(sig).toMatchObject({ sid: '2003', psad_id: '100200', hits: '2' })
    expect(sig.message).toBe('esc \\x1b[31mred\\x1b[0m, \\u{202e}evil')
  })
})

describe('records cannot be split (read back by a strict RFC 4180 reader)', () => {
  // What a hostile `--log-prefix` (or any log-derived text) can hold; each must stay one cell.
  const HOSTILE: [string, string][] = [
    ['DROP\r=1+1', 'DROP\r=1+1'],
    ['A\nB', 'A\nB'],
    ['C\r\nD', 'C\r\nD'],
    ['=1+1', "'=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['q"x", y', 'q"x", y'],
    ['N\u0000UL', 'N\\x00UL'],
  ]

  test('every cell holding CR, LF, CRLF, a formula, quotes or NUL reads back as one cell of one record', () => {
    const text = csvTable(['n', 'text', 'after'], HOSTILE.map(([cell], i) => [i, cell, 'end']))
    const rows = strictCsv(text)
    expect(rows).toHaveLength(HOSTILE.length + 1)
    expect(rows[0]).toEqual(['n', 'text', 'after'])
    HOSTILE.forEach(([, expected], i) => expect(rows[i + 1]).toEqual([String(i), expected, 'end']))
  })

  test('a report table with a CR in a signature message keeps its row count', () => {
    const report = analyzeLines(range(20, 1000).map((p) => tcpLine({ dport: p })))
    report.topSignatures.push({ sid: 1, psadId: null, msg: 'DROP\r=1+1', protocol: 'tcp', count: 1, sources: 1 })
    const rows = strictCsv(renderCsv(report, 'signatures'))
    expect(rows).toEqual([CSV_COLUMN_NAMES.signatures, ['1', '', 'DROP\r=1+1', 'tcp', '1', '1']])
  })
})

describe('destinations and ports tables', () => {
  test('one row per source x destination (a sweep of 21 hosts)', () => {
    const rows = table(analyzeLines(capture('syn-sweep.log')), 'destinations')
    expect(rows).toHaveLength(21)
    expect(new Set(rows.map((r) => r.destination)).size).toBe(21)
    for (const r of rows) {
      expect(r).toMatchObject({ source: '10.77.0.1', tcp_ports: '1083', udp_ports: '', udplite_ports: '', protocols: '1' })
      expect(r.first_seen).toMatch(/^2026-11-22T\d\d:\d\d:\d\d\.\d{3}Z$/)
    }
  })

  test('top ports', () => {
    const rows = table(analyzeLines(capture('udp-scan.log')), 'ports')
    expect(rows.length).toBe(50)
    for (const r of rows) {
      expect(r.protocol).toBe('udp')
      expect(Number(r.port)).toBeGreaterThanOrEqual(1000)
      expect(r.packets).toBe('1')
    }
  })
})

describe('parseCsvTable', () => {
  test('accepts the four report tables and packets, any case', () => {
    expect(parseCsvTable('Destinations')).toBe('destinations')
    for (const t of CSV_TABLES) expect(parseCsvTable(t)).toBe(t)
    expect(parseCsvTable(' packets ')).toBe('packets')
  })
  test('rejects anything else, listing the valid names', () => {
    expect(() => parseCsvTable('source')).toThrow(UsageError)
    try {
      parseCsvTable('source')
    } catch (err) {
      expect((err as UsageError).message).toBe("--csv-table: unknown table 'source'")
      expect((err as UsageError).hint).toBe('valid tables are: sources, signatures, ports, destinations, packets')
    }
  })
})
