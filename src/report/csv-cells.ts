import { stringify } from 'csv-stringify/sync'
import { printableKeepingWhitespace } from '../core/excerpt.js'

// The one place that turns cells into CSV text, shared by the report tables and the packet CSV.
// RFC 4180 quoting (fields with `,`, `"`, CR or LF are quoted, quotes doubled), LF record ends
// (what Unix tools and every spreadsheet accept), and escape_formulas: a cell starting with = + - @
// TAB or CR gets a leading `'`, so `=cmd|' /C calc'!A0` in a log prefix stays text in Excel/Calc.
// csv-stringify quotes only fields holding the record delimiter (LF here), so a bare CR — which an
// iptables `--log-prefix` can carry — would end the record in spreadsheets and Python's csv and start
// a new row with the rest of the cell: `quoted_match` quotes every field holding CR or LF.

/** One CSV cell: a number, text, or '' for "absent" (never -1: spreadsheets would sum it). */
export type Cell = string | number

/** Separator of multi-valued cells (`scan_types`, `nmap_options`, port ranges, …). */
export const LIST_SEPARATOR = ';'

const OPTIONS = { escape_formulas: true, record_delimiter: 'unix', quoted_match: /[\r\n]/ } as const

// Log fields can carry terminal escapes (ESC [ …) and bidi overrides that reorder what a reader sees
// when the CSV is `cat`ed or opened; they are shown as visible escapes. TAB, CR and LF stay: quoting
// covers them.

/** Returns one CSV record (with its trailing LF) for `cells`, quoted and formula-escaped. */
export function csvRecord(cells: readonly Cell[]): string {
  return stringify([cells.map((c) => (typeof c === 'string' ? printableKeepingWhitespace(c) : c))], OPTIONS)
}

/** Returns the CSV text of a header plus rows; the header alone when there are no rows. */
export function csvTable(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const out = [csvRecord(header)]
  for (const row of rows) out.push(csvRecord(row))
  return out.join('')
}

/** Returns the values joined with LIST_SEPARATOR ('' for none). */
export function list(values: readonly (string | number)[]): string {
  return values.join(LIST_SEPARATOR)
}

/** Returns `n` as a cell, '' when it is negative (the Packet convention for "not in the line"). */
export function num(n: number): Cell {
  return n >= 0 && Number.isFinite(n) ? n : ''
}
