// Times the parser on hostile lines (bench/hostile-lines.ts): for each shape, 2,000 lines of 16 KiB
// (the size of `IN=x` × 4,000, which took 57 s for 2,000 lines when findBodyStart was quadratic),
// parsed and routed as a run would. Every row should be in the tens of milliseconds: time linear in
// the bytes, like any other line.
//
//   npx tsx bench/hostile.ts [--lines 2000] [--size 16384]

import { parseArgs } from 'node:util'
import { LineParser } from '../src/parse/line.js'
import { emptyPacket } from '../src/parse/packet.js'
import { HOSTILE_SHAPES } from './hostile-lines.js'

const { values } = parseArgs({ options: { lines: { type: 'string', default: '2000' }, size: { type: 'string', default: '16384' } } })
const lines = Number(values.lines)
const size = Number(values.size)
if (!(lines > 0) || !(size > 0)) throw new RangeError('--lines and --size must be positive numbers')

const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }
process.stdout.write(`${lines} lines of ${size} bytes per shape\n\nshape  |  ms  |  MB/s  |  verdict\n`)
for (const shape of HOSTILE_SHAPES) {
  const line = Buffer.from(shape.line(size), 'latin1')
  const parser = new LineParser({ sidString: 'SID' })
  const pkt = emptyPacket()
  let verdict = ''
  const t0 = performance.now()
  for (let k = 0; k < lines; k++) {
    const r = parser.parseBytes(line, 0, line.length, ctx, pkt)
    parser.route(line, 0, line.length)
    verdict = typeof r === 'string' ? r : 'packet'
  }
  const ms = performance.now() - t0
  process.stdout.write(`${shape.name}  |  ${ms.toFixed(0)}  |  ${((line.length * lines) / 1e6 / (ms / 1000)).toFixed(0)}  |  ${verdict}\n`)
}
