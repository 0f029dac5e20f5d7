// `npm run bench`: measures portsleuth against the floor of its stack and against psad, on corpora it
// generates itself (bench/corpus.ts, seeded: the same bytes every run). Every measurement runs in a
// fresh process, several times interleaved with its baseline, and reports the median wall time;
// peak RSS comes from GNU time (`/usr/bin/time -f %M`). Results go to stdout and bench/out/results.md.
//
//   npm run bench                  100k and 1M corpora, gzip, rotated set, startup, psad, watch, HTML
//   npm run bench -- --memory      also 10M lines from 2,000 sources and 1M distinct sources (minutes)
//   npm run bench -- --scaling     only the 1M corpus with 1, 2, 4, 8, 12 and 16 threads (for machines
//                                  with many CPUs): time, speed-up, CPU time and peak RSS of each
//   npm run bench -- --runs 5      repetitions per measurement (default 3)

import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultThreads } from '../src/run/analysis.js'
import { writeCorpus } from './corpus.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = path.join(ROOT, 'bench', 'out')
const BIN = path.join(ROOT, 'bin', 'run.js')
const args = process.argv.slice(2)
const RUNS = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3
const MEMORY = args.includes('--memory')
const SCALING = args.includes('--scaling')
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null
const env = { ...process.env, TZ: 'UTC', NO_COLOR: '1' }

interface Sample {
  seconds: number
  rssMb: number | null
  /** User + system CPU seconds of the process GNU time wraps (null without GNU time). */
  cpu: number | null
}

// Runs a shell command (stdout discarded) and returns its wall time and the peak RSS of the process
// `measured` names (GNU time wraps that part of the pipeline).
function run(command: string): Sample {
  const start = process.hrtime.bigint()
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', command], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0) throw new Error(`benchmark command failed (${r.status}): ${command}\n${r.stderr}`)
  const rss = /RSS_KB=(\d+) CPU=([\d.]+) ([\d.]+)/.exec(r.stderr)
  return { seconds, rssMb: rss === null ? null : Number(rss[1]) / 1024, cpu: rss === null ? null : Number(rss[2]) + Number(rss[3]) }
}

const timed = (command: string): string => (GNU_TIME === null ? command : `${GNU_TIME} -f 'RSS_KB=%M CPU=%U %S' ${command}`)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Runs each command RUNS times, interleaved, and returns the median time and the largest RSS of each. */
function measure(commands: Record<string, string>): Record<string, Sample> {
  const samples: Record<string, Sample[]> = {}
  for (let i = 0; i < RUNS; i++) {
    for (const [name, command] of Object.entries(commands)) (samples[name] ??= []).push(run(command))
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => [
      name,
      {
        seconds: median(xs.map((s) => s.seconds)),
        rssMb: xs.some((s) => s.rssMb !== null) ? Math.max(...xs.map((s) => s.rssMb ?? 0)) : null,
        cpu: xs.some((s) => s.cpu !== null) ? median(xs.map((s) => s.cpu ?? 0)) : null,
      },
    ]),
  )
}

const rows: string[][] = []
function row(...cells: (string | number)[]): void {
  const r = cells.map(String)
  rows.push(r)
  process.stdout.write(`${r.join('  |  ')}\n`)
}
const f1 = (n: number): string => n.toFixed(n < 10 ? 2 : 1)
const rate = (lines: number, s: number): string => `${Math.round(lines / s).toLocaleString('en-US')} lines/s`
const mbs = (bytes: number, s: number): string => `${f1(bytes / 1e6 / s)} MB/s`
const rss = (s: Sample): string => (s.rssMb === null ? 'n/a' : `${Math.round(s.rssMb)} MB`)
const cpuOf = (s: Sample): string => (s.cpu === null ? '' : `, ${f1(s.cpu)} s CPU`)
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

// CPU time the machine gives two busy processes side by side, per second of wall time: 2.0 on two
// free CPUs, 1.0 when the machine (a VM with throttled vCPUs, or other work) gives one CPU's worth.
// Threads cannot beat it.
const SPIN = `node -e "let x = 0; for (let i = 0; i < 2e9; i++) x = (x + i) | 0; if (x === 1) console.log(x)"`
function parallelCapacity(): number {
  const one = (): number => {
    const r = spawnSync('bash', ['-c', `${GNU_TIME ?? 'time'} -f 'CPU=%U %S WALL=%e' bash -c '${SPIN} & ${SPIN} & wait'`], { env, encoding: 'utf8' })
    const m = /CPU=([\d.]+) ([\d.]+) WALL=([\d.]+)/.exec(r.stderr)
    return m === null ? Number.NaN : (Number(m[1]) + Number(m[2])) / Number(m[3])
  }
  return median([one(), one(), one()])
}

async function corpus(name: string, lines: number, opts: { gzip?: boolean; psad?: boolean; sources?: number } = {}): Promise<string> {
  const file = path.join(OUT, name)
  if (!existsSync(file)) {
    process.stderr.write(`generating ${name} (${lines} lines)…\n`)
    await writeCorpus({ lines, seed: 1, psadCompatible: opts.psad ?? false, sources: opts.sources }, file, opts.gzip ?? false)
  }
  return file
}

const analyze = (file: string, extra = ''): string => timed(`node ${BIN} analyze --format json --no-progress ${extra} ${file}`)
const SPLIT2 = path.join(ROOT, 'bench', 'split2-count.mjs')
const STAGES = path.join(ROOT, 'bench', 'stages.mjs')

// The scaling table: the 1M corpus with more and more threads, for machines with many CPUs.
function scaling(c1m: string): void {
  const counts = [1, 2, 4, 8, 12, 16]
  const samples = measure(Object.fromEntries(counts.map((t) => [String(t), analyze(c1m, `--threads ${t}`)])))
  row('threads', 'time', 'speed-up', 'CPU time', 'peak RSS')
  const one = samples['1']!.seconds
  for (const t of counts) {
    const s = samples[String(t)]!
    row(String(t), `${f1(s.seconds)} s`, `${f1(one / s.seconds)}×`, s.cpu === null ? 'n/a' : `${f1(s.cpu)} s`, rss(s))
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  if (!existsSync(path.join(ROOT, 'dist', 'commands', 'analyze.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  process.stdout.write(`portsleuth benchmark — ${cpu}, ${availableParallelism()} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${RUNS} runs each (median), load average ${load()}\n\n`)

  const c100k = await corpus('corpus-100k.log', 100_000)
  const c1m = await corpus('corpus-1m.log', 1_000_000)
  if (SCALING) {
    scaling(c1m)
    process.stdout.write(`\nload average at the end: ${load()}\n`)
    return
  }
  const c1mgz = await corpus('corpus-1m.log.gz', 1_000_000, { gzip: true })
  const size1m = statSync(c1m).size
  const chosen = defaultThreads(availableParallelism(), size1m)

  row('measurement', 'time', 'throughput', 'peak RSS', 'note')
  const capacity = parallelCapacity()
  row('CPUs this machine gives two busy processes', '-', '-', '-', `${f1(capacity)} CPU seconds per second (2.0 on two free CPUs; threads cannot beat it)`)
  const floor = measure({
    split2: `node ${SPLIT2} ${c1m}`,
    serial: analyze(c1m, '--threads 1'),
    default: analyze(c1m),
  })
  row('split2 line count, 1M lines', `${f1(floor.split2!.seconds)} s`, `${rate(1e6, floor.split2!.seconds)}, ${mbs(size1m, floor.split2!.seconds)}`, '-', 'the floor of this stack')
  row('analyze 1M lines, JSON, --threads 1', `${f1(floor.serial!.seconds)} s`, `${rate(1e6, floor.serial!.seconds)}, ${mbs(size1m, floor.serial!.seconds)}`, rss(floor.serial!), `${f1(floor.serial!.seconds / floor.split2!.seconds)}× split2${cpuOf(floor.serial!)}`)
  row(`analyze 1M lines, JSON, threads chosen by portsleuth (${chosen})`, `${f1(floor.default!.seconds)} s`, `${rate(1e6, floor.default!.seconds)}, ${mbs(size1m, floor.default!.seconds)}`, rss(floor.default!), `${f1(floor.serial!.seconds / floor.default!.seconds)}× --threads 1${cpuOf(floor.default!)}`)

  const stages = spawnSync('node', [STAGES, c1m], { env, encoding: 'utf8' })
  if (stages.status !== 0) throw new Error(`bench/stages.mjs failed: ${stages.stderr}`)
  row('stages of the analysis, 1M lines in memory', '-', '-', '-', stages.stdout.trim())

  const gz = measure({ zcat: `zcat ${c1mgz} | wc -l`, serial: analyze(c1mgz, '--threads 1'), analyze: analyze(c1mgz) })
  row('zcat | wc -l, 1M lines gzip', `${f1(gz.zcat!.seconds)} s`, rate(1e6, gz.zcat!.seconds), '-', '')
  row('analyze 1M lines gzip, --threads 1 (zlib inflates off the main thread)', `${f1(gz.serial!.seconds)} s`, rate(1e6, gz.serial!.seconds), rss(gz.serial!), `${f1(gz.serial!.seconds / gz.zcat!.seconds)}× zcat | wc -l`)
  row(`analyze 1M lines gzip, threads chosen by portsleuth (${defaultThreads(availableParallelism(), statSync(c1mgz).size * 8)})`, `${f1(gz.analyze!.seconds)} s`, rate(1e6, gz.analyze!.seconds), rss(gz.analyze!), `${f1(gz.serial!.seconds / gz.analyze!.seconds)}× --threads 1`)

  // A rotated set: the 1M corpus cut into four files, read oldest first.
  const rot = path.join(OUT, 'rotated')
  if (!existsSync(path.join(rot, 'kern.log'))) {
    mkdirSync(rot, { recursive: true })
    const lines = readFileSync(c1m, 'utf8').split('\n')
    const quarter = Math.ceil(lines.length / 4)
    ;['kern.log.3', 'kern.log.2', 'kern.log.1', 'kern.log'].forEach((name, k) => writeFileSync(path.join(rot, name), lines.slice(k * quarter, (k + 1) * quarter).join('\n')))
  }
  const multi = measure({ serial: analyze(`${rot}/*`, '--threads 1'), threads: analyze(`${rot}/*`) })
  row('rotated set of 4 files (1M lines), --threads 1', `${f1(multi.serial!.seconds)} s`, rate(1e6, multi.serial!.seconds), rss(multi.serial!), '')
  row(`rotated set of 4 files, threads chosen by portsleuth (${chosen})`, `${f1(multi.threads!.seconds)} s`, rate(1e6, multi.threads!.seconds), rss(multi.threads!), `${f1(multi.serial!.seconds / multi.threads!.seconds)}× --threads 1 (report equality: test/cli/threads.test.ts)`)

  const small = path.join(OUT, 'ten-lines.log')
  writeFileSync(small, `${readFileSync(c100k, 'utf8').split('\n').slice(0, 10).join('\n')}\n`)
  const start = measure({ version: `node ${BIN} --version`, tiny: analyze(small) })
  row('portsleuth --version', `${f1(start.version!.seconds)} s`, '-', '-', 'startup')
  row('analyze a 10-line file', `${f1(start.tiny!.seconds)} s`, '-', '-', 'startup')

  const hasPsad = spawnSync('sh', ['-c', 'command -v psad'], { encoding: 'utf8' }).status === 0
  if (hasPsad) {
    const c100kPsad = await corpus('corpus-100k-psad.log', 100_000, { psad: true })
    const { runPsad } = await import('../scripts/psad-diff/run-psad.js')
    const t0 = process.hrtime.bigint()
    await runPsad({ input: c100kPsad, config: '/etc/psad/psad.conf', overrides: {}, signatures: '/etc/psad/signatures', autoDl: null, args: [], psad: 'psad' })
    const psadSeconds = Number(process.hrtime.bigint() - t0) / 1e9
    const ours = measure({ analyze: analyze(c100kPsad, '--psad-dir /etc/psad --threads 1') })
    row('psad 2.4.6 -A, 100k lines', `${f1(psadSeconds)} s`, rate(1e5, psadSeconds), '-', 'one run')
    row('portsleuth, same 100k lines, psad config and signatures', `${f1(ours.analyze!.seconds)} s`, rate(1e5, ours.analyze!.seconds), rss(ours.analyze!), `${Math.round(psadSeconds / ours.analyze!.seconds)}× psad (incl. ~0.2 s startup)`)
    const psadRate = 1e5 / psadSeconds
    row('portsleuth 1M lines (threads chosen by portsleuth) vs psad rate', '-', '-', '-', `${Math.round(1e6 / floor.default!.seconds / psadRate)}× psad's lines/s (--threads 1: ${Math.round(1e6 / floor.serial!.seconds / psadRate)}×)`)
  } else row('psad', '-', '-', '-', 'not installed: skipped')

  if (MEMORY) {
    const gen = (lines: number, sources: number): string => `node --import tsx ${path.join(ROOT, 'bench', 'corpus.ts')} --lines ${lines} --sources ${sources} --seed 2 --out -`
    const many = run(`${gen(10_000_000, 2000)} | ${timed(`node ${BIN} analyze --format json --no-progress -`)}`)
    row('10M lines from 2,000 sources (streamed)', `${f1(many.seconds)} s`, 'incl. generation', rss(many), 'memory grows with sources, not lines')
    // About 1.2M senders planned; LAN ones share 192.168/16 and some send only conntrack leftovers
    // (skipped), so ~1M distinct sources reach the engine. The run prints the exact count.
    const report = path.join(OUT, 'distinct-report.json')
    const distinct = run(`${gen(3_600_000, 1_220_000)} | ${timed(`node ${BIN} analyze --format json --no-progress --min-dl 5 --output ${report} -`)}`)
    const seen = (JSON.parse(readFileSync(report, 'utf8')) as { summary: { sourcesSeen: number } }).summary.sourcesSeen
    // Peak RSS above the streamed run with few sources, divided by the sources tracked.
    const perSource = distinct.rssMb === null || many.rssMb === null ? '' : `, ≈ ${Math.round(((distinct.rssMb - many.rssMb) * 2 ** 20) / seen)} bytes of peak RSS per source`
    row('3.6M lines from ~1M distinct sources (streamed)', `${f1(distinct.seconds)} s`, 'incl. generation', rss(distinct), `${seen.toLocaleString('en')} sources${perSource}`)
  }

  // watch: alert latency while 50,000 lines/s arrive, and the highest rate it keeps up with.
  const latency = spawnSync('npx', ['tsx', path.join(ROOT, 'bench', 'watch-latency.ts'), '--seconds', '10'], { env, encoding: 'utf8', cwd: ROOT })
  for (const line of latency.stdout.trim().split('\n')) if (line !== '') row('watch: line written → alert', '-', '-', '-', line.trim())
  // watch: what saving the state costs at 10,000 and 1,000,000 sources.
  const save = spawnSync('npx', ['tsx', path.join(ROOT, 'bench', 'state-save.ts')], { env, encoding: 'utf8', cwd: ROOT })
  for (const line of save.stdout.trim().split('\n')) if (line !== '') row('watch: state save', '-', '-', '-', line.trim())

  const html = spawnSync('npx', ['tsx', path.join(ROOT, 'bench', 'html-report.ts')], { env, encoding: 'utf8', cwd: ROOT })
  for (const line of html.stdout.trim().split('\n')) if (line !== '') row('HTML report', '-', '-', '-', line)

  const md = [
    `# portsleuth benchmark`,
    '',
    `${cpu}, ${availableParallelism()} CPUs, Node ${process.version}; \`npm run bench${MEMORY ? ' -- --memory' : ''}\`, ${RUNS} runs each (median), ${new Date().toISOString().slice(0, 10)}; load average ${load()} at the end.`,
    '',
    `| ${rows[0]!.join(' | ')} |`,
    `|${rows[0]!.map(() => '---').join('|')}|`,
    ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n')
  writeFileSync(path.join(OUT, 'results.md'), md)
  process.stdout.write(`\nwritten to ${path.relative(ROOT, path.join(OUT, 'results.md'))}\n`)
}

await main()
