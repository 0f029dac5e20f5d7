// Where a run's time goes, without reading, startup or output: the corpus is loaded into memory and
// cut into lines first, then each stage runs over all of it (best of 3 passes, so the code is warm):
// a bare JavaScript pass over the bytes (the floor of any parser written in this language), finding
// each line's source (LineParser.route: what a thread of a run with threads does with every line of
// its blocks before handing it to the thread that owns the source), the line parser alone, the whole
// per-line analysis (parse, filters, scoring, signatures, OS), and building the report from it. The
// first pass of the analysis is shown too: the JIT warming up, which every thread of a run pays.
// Runs the built code (dist/), as the CLI does. Run: node bench/stages.mjs FILE

import { readFileSync, statSync } from 'node:fs'
import { compilePlan } from '../dist/config/plan.js'
import { Detector } from '../dist/detect/detector.js'
import { LineParser } from '../dist/parse/line.js'
import { emptyPacket } from '../dist/parse/packet.js'
import { buildReport, reportPart } from '../dist/report/build.js'

const file = process.argv[2]
if (file === undefined) throw new Error('usage: node bench/stages.mjs FILE')
const data = readFileSync(file)
const spans = []
for (let s = 0; ; ) {
  const nl = data.indexOf(10, s)
  if (nl < 0) break
  spans.push(s, nl)
  s = nl + 1
}
const lines = spans.length / 2
const plan = await compilePlan({ config: { configFile: null, psadDir: null, overrides: {} }, since: null, until: null, criteria: [], year: undefined, maxLineLength: 16384, now: Date.now() })
const time = { year: undefined, reference: statSync(file).mtimeMs }

let first = 0
function best(stage) {
  let ms = Infinity
  for (let pass = 0; pass < 3; pass++) {
    const t = stage(data, spans)
    if (pass === 0) first = t
    ms = Math.min(ms, t)
  }
  return ms
}

let sink = 0
const bytePass = best((b) => {
  const t0 = performance.now()
  let spaces = 0
  for (let i = 0; i < b.length; i++) if (b[i] === 32) spaces++
  sink += spaces
  return performance.now() - t0
})
const routing = best((b, at) => {
  const parser = new LineParser({ sidString: plan.settings.filters.sidString })
  const t0 = performance.now()
  for (let k = 0; k < at.length; k += 2) sink += parser.route(b, at[k], at[k + 1])
  return performance.now() - t0
})
const parseOnly = best((b, at) => {
  const parser = new LineParser({ sidString: plan.settings.filters.sidString })
  const pkt = emptyPacket()
  const t0 = performance.now()
  for (let k = 0; k < at.length; k += 2) if (typeof parser.parseBytes(b, at[k], at[k + 1], time, pkt) !== 'string') sink++
  return performance.now() - t0
})
let detector = null
const analysis = best((b, at) => {
  detector = new Detector(plan)
  const where = () => file
  const t0 = performance.now()
  for (let k = 0; k < at.length; k += 2) detector.lineBytes(b, at[k], at[k + 1], time, where)
  return performance.now() - t0
})
const analysisFirst = first
const t0 = performance.now()
const report = buildReport({ parts: [reportPart(detector, plan.settings)], inputs: [] }, 'bench')
const build = performance.now() - t0
sink += report.sources.length

const per = (ms) => `${Math.round(ms)} ms (${((ms * 1000) / lines).toFixed(2)} µs/line)`
process.stdout.write(
  `${lines} lines in memory: one JavaScript pass counting spaces ${per(bytePass)}; finding each line's source ${per(routing)}; parsing alone ${per(parseOnly)}; ` +
    `parsing and all detection ${per(analysis)} (first pass ${Math.round(analysisFirst)} ms); building the report ${Math.round(build)} ms${sink < 0 ? '' : ''}\n`,
)
