import { spawnSync } from 'node:child_process'

// Reads CSV text back with Python's csv module in strict mode (RFC 4180: a quote inside an unquoted
// field, or text after a closing quote, is an error), the reader many scripts and tools use. A bare
// CR or LF outside quotes ends a record there, exactly as a spreadsheet would split it.
const READER = `
import csv, io, json, sys
text = sys.stdin.buffer.read().decode('utf-8')
rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))
json.dump(rows, sys.stdout)
`

/** Returns the records of `text` as read by python3's csv module with strict=True; throws on a parse error. */
export function strictCsv(text: string): string[][] {
  const r = spawnSync('python3', ['-c', READER], { input: text, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`python3 csv (strict) rejected the CSV: ${r.stderr}`)
  return JSON.parse(r.stdout) as string[][]
}
