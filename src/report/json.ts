import type { ReportV1 } from './model.js'

/** Renders the report as pretty-printed JSON (schema v1), with a trailing newline. */
export function renderJson(report: ReportV1): string {
  return [...renderJsonChunks(report)].join('')
}

const CHUNK = 1 << 16

/**
 * Yields the text of renderJson in pieces of about 64 KiB, byte for byte the same: top-level arrays
 * (sources, top ports, the timeline) are written one element at a time, so a report of a million
 * sources never exists as one string.
 */
export function* renderJsonChunks(report: ReportV1): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined)
  if (entries.length === 0) {
    yield '{}\n'
    return
  }
  let buf = '{'
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!
    buf += `\n  ${JSON.stringify(key)}: `
    if (Array.isArray(value) && value.length > 0) {
      buf += '['
      for (let j = 0; j < value.length; j++) {
        // JSON strings never hold a raw newline, so re-indenting by lines is exact.
        buf += `\n    ${JSON.stringify(value[j] ?? null, null, 2).replace(/\n/g, '\n    ')}${j < value.length - 1 ? ',' : ''}`
        if (buf.length >= CHUNK) {
          yield buf
          buf = ''
        }
      }
      buf += '\n  ]'
    } else buf += JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')
    if (i < entries.length - 1) buf += ','
  }
  yield `${buf}\n}\n`
}
