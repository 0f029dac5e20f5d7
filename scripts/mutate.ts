// `npm run mutate:all [-- CHUNK…] [--concurrency N] [--score]`: StrykerJS over the whole of
// src/parse and src/detect, one chunk of files at a time (the chunks named, in the order named;
// all nine when none is), then the score of every file and of the whole scope.
//
// Each chunk keeps its own incremental file and JSON report (reports/mutation/chunk-NAME*.json), so a
// run cut short loses one chunk at most, and a rerun after a change tests only the mutants the change
// touches (changed source, or survivors whose covering tests changed). `--score` only reads the
// reports of the last runs. The parser's chunks run with the parser's own tests
// (stryker.parser.config.mjs); the others with every in-process test (stryker.config.mjs).
import { existsSync, readFileSync } from 'node:fs'
import { Stryker } from '@stryker-mutator/core'

interface Chunk {
  name: string
  config: string
  files: string[]
}

const PARSER = 'stryker.parser.config.mjs'
const ALL = 'stryker.config.mjs'

const CHUNKS: Chunk[] = [
  { name: 'line', config: PARSER, files: ['src/parse/netfilter.ts', 'src/parse/line.ts'] },
  {
    name: 'parse',
    config: PARSER,
    files: ['ascii', 'protocols', 'ipchains', 'body-tokens', 'time', 'month-names', 'bytes', 'body-keys', 'address', 'stamp-reader', 'packet', 'syslog-header'].map((f) => `src/parse/${f}.ts`),
  },
  { name: 'verdict', config: ALL, files: ['scorer', 'action', 'filters', 'classifier', 'icmp-types', 'auto-dl'].map((f) => `src/detect/${f}.ts`) },
  { name: 'tables', config: ALL, files: ['source-table', 'address-table', 'destination-count', 'recent-packets', 'retention'].map((f) => `src/detect/${f}.ts`) },
  { name: 'signatures', config: ALL, files: ['src/detect/signatures/*.ts'] },
  { name: 'os', config: ALL, files: ['src/detect/os/*.ts'] },
  { name: 'state', config: ALL, files: ['src/detect/state.ts', 'src/detect/codec/*.ts'] },
  { name: 'tracking', config: ALL, files: ['tally', 'fields', 'detector', 'tracker'].map((f) => `src/detect/${f}.ts`) },
  { name: 'engine', config: ALL, files: ['src/detect/engine.ts'] },
]

const report = (c: Chunk): string => `reports/mutation/chunk-${c.name}.json`

interface Counts {
  detected: number
  undetected: number
}

/** Mutants a test caught (killed, timed out) and those none did (survived, never covered), by file. */
function counts(c: Chunk): Map<string, Counts> {
  const out = new Map<string, Counts>()
  const r = JSON.parse(readFileSync(report(c), 'utf8')) as { files: Record<string, { mutants: { status: string }[] }> }
  for (const [file, f] of Object.entries(r.files)) {
    const n = { detected: 0, undetected: 0 }
    for (const m of f.mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') n.detected++
      else if (m.status === 'Survived' || m.status === 'NoCoverage') n.undetected++
    }
    out.set(file, n)
  }
  return out
}

const pct = (n: Counts): string => `${((100 * n.detected) / Math.max(1, n.detected + n.undetected)).toFixed(1)}%`

function printScores(): void {
  const whole = { detected: 0, undetected: 0 }
  for (const c of CHUNKS) {
    if (!existsSync(report(c))) {
      console.log(`${c.name}: not run yet (npm run mutate:all -- ${c.name})`)
      continue
    }
    const sum = { detected: 0, undetected: 0 }
    const files = [...counts(c)]
    for (const [, n] of files) {
      sum.detected += n.detected
      sum.undetected += n.undetected
    }
    whole.detected += sum.detected
    whole.undetected += sum.undetected
    console.log(`${c.name}: ${pct(sum)} of ${sum.detected + sum.undetected} (${files.map(([f, n]) => `${f.replace(/^src\//, '')} ${pct(n)}`).join(', ')})`)
  }
  console.log(`whole scope: ${pct(whole)} of ${whole.detected + whole.undetected} mutants (${whole.undetected} not detected)`)
}

const args = process.argv.slice(2)
const concurrencyAt = args.indexOf('--concurrency')
const concurrency = concurrencyAt < 0 ? undefined : Number(args.splice(concurrencyAt, 2)[1])
if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
  console.error('--concurrency needs a whole number of test runners, 1 or more')
  process.exit(2)
}
const unknown = args.filter((a) => a !== '--score' && !CHUNKS.some((c) => c.name === a))
if (unknown.length > 0) {
  console.error(`unknown chunk ${unknown.join(', ')}; the chunks are ${CHUNKS.map((c) => c.name).join(', ')}`)
  process.exit(2)
}
if (!args.includes('--score')) {
  const named = args.filter((a) => a !== '--score')
  const chosen = named.length === 0 ? CHUNKS : named.map((n) => CHUNKS.find((c) => c.name === n)!)
  for (const c of chosen) {
    console.log(`${new Date().toISOString()} chunk ${c.name}: ${c.files.join(', ')}`)
    try {
      await new Stryker({
        configFile: c.config,
        mutate: c.files,
        incrementalFile: `reports/mutation/chunk-${c.name}-incremental.json`,
        reporters: ['json', 'progress-append-only'],
        jsonReporter: { fileName: report(c) },
        ...(concurrency === undefined ? {} : { concurrency }),
      }).runMutationTest()
    } catch (err) {
      // One chunk that cannot run (its initial test run failed, say) leaves the others to run.
      console.error(`chunk ${c.name} did not run: ${err instanceof Error ? err.message : String(err)}`)
      process.exitCode = 1
    }
  }
}
printScores()
