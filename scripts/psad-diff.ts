// Differential check: Debian's psad 2.4.6 (`psad -A`) and portsleuth on the same input with the same
// psad.conf and signature file; per-source danger levels, signature ids and port ranges compared, and
// every difference attributed to a documented expected cause (scripts/psad-diff/expected.ts) or
// reported as unexpected.
//
//   npx tsx scripts/psad-diff.ts --corpus 20000 --seed 1            a generated --psad-compatible corpus
//   npx tsx scripts/psad-diff.ts FILE...                             your own logs
//   npx tsx scripts/psad-diff.ts --captures DIR                      psad's test-suite captures
//   options: --config psad.conf (/etc/psad/psad.conf)  --signatures FILE (/etc/psad/signatures)
//            --conntrack config|auto|ignore|keep (config)  --year N  --min-agreement 99
//            --full-corpus (also lines psad cannot parse)  --psad PATH  --max-sources 50  --sample-lines 3
//
// Needs root (psad refuses otherwise). psad runs in a private temporary directory (see run-psad.ts).
// Exit 0 when every run reaches --min-agreement, 1 when one does not, 2 when a tool could not run.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DEFAULT_START, writeCorpus } from '../bench/corpus.js'
import type { ConntrackMode } from '../src/config/settings.js'
import { CAPTURE_CASES, skipReason } from './psad-diff/captures.js'
import { runCase, type CaseResult, type DiffCase } from './psad-diff/diff.js'
import { renderCase, renderTable } from './psad-diff/report.js'

export interface CorpusDiffOptions {
  lines: number
  seed: number
  psadCompatible?: boolean
  config?: string
  signatures?: string
  conntrack?: ConntrackMode | 'config'
  psad?: string
  sampleLines?: number
}

const DEFAULT_CONFIG = '/etc/psad/psad.conf'
const DEFAULT_SIGNATURES = '/etc/psad/signatures'

/** Generates a corpus and compares the two tools on it. Throws when a tool cannot run. */
export async function diffCorpus(o: CorpusDiffOptions): Promise<CaseResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'psad-diff-corpus-'))
  try {
    const input = join(tmp, `corpus-${o.lines}-${o.seed}.log`)
    await writeCorpus({ lines: o.lines, seed: o.seed, psadCompatible: o.psadCompatible ?? true }, input)
    return await runCase({
      name: `corpus ${o.lines} lines, seed ${o.seed}${o.psadCompatible === false ? '' : ', psad-compatible'}`,
      input,
      config: o.config ?? DEFAULT_CONFIG,
      overrides: {},
      signatures: o.signatures ?? DEFAULT_SIGNATURES,
      autoDl: null,
      psadArgs: [],
      fields: null,
      conntrack: o.conntrack ?? 'config',
      year: new Date(DEFAULT_START).getUTCFullYear(),
    }, { psad: o.psad ?? 'psad', tmp, sampleLines: o.sampleLines ?? 3 })
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

async function isoYear(file: string): Promise<number | undefined> {
  const head = (await readFile(file, 'utf8').catch(() => '')).slice(0, 200_000)
  const m = /(?:^|\s)(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d/m.exec(head)
  return m === null ? undefined : Number(m[1])
}

async function captureCases(dir: string, base: Omit<DiffCase, 'name' | 'input'>, tmp: string): Promise<{ cases: DiffCase[]; skipped: { name: string; why: string }[] }> {
  const cases: DiffCase[] = []
  const skipped: { name: string; why: string }[] = []
  for (const [i, c] of CAPTURE_CASES.entries()) {
    const why = skipReason(c, dir)
    if (why !== null) {
      skipped.push({ name: c.name, why })
      continue
    }
    let signatures = base.signatures
    if (c.withoutSids !== undefined) {
      const ids = c.withoutSids
      const text = await readFile(base.signatures, 'utf8')
      const kept = text.split('\n').filter((l) => !ids.some((id) => new RegExp(`[(;\\s](sid|psad_id):\\s*${id}\\s*;`).test(l)))
      signatures = join(tmp, `case-${i}.sig`)
      await writeFile(signatures, kept.join('\n'))
    }
    let autoDl: string | null = null
    if (c.autoDl !== undefined) {
      autoDl = join(tmp, `case-${i}.auto_dl`)
      await writeFile(autoDl, c.autoDl)
    }
    cases.push({
      ...base,
      name: c.name,
      input: join(dir, c.file),
      overrides: { ...base.overrides, ...(c.overrides ?? {}) },
      signatures,
      autoDl,
      fields: c.fields ?? null,
      psadArgs: c.fields === undefined ? [] : ['--analysis-fields', c.fields],
    })
  }
  return { cases, skipped }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      corpus: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'full-corpus': { type: 'boolean', default: false },
      captures: { type: 'string' },
      config: { type: 'string', default: DEFAULT_CONFIG },
      signatures: { type: 'string', default: DEFAULT_SIGNATURES },
      conntrack: { type: 'string', default: 'config' },
      year: { type: 'string' },
      'min-agreement': { type: 'string', default: '99' },
      psad: { type: 'string', default: 'psad' },
      'max-sources': { type: 'string', default: '50' },
      'sample-lines': { type: 'string', default: '3' },
    },
  })
  const conntrack = values.conntrack as ConntrackMode | 'config'
  if (!['config', 'auto', 'ignore', 'keep'].includes(conntrack)) throw new Error(`--conntrack must be config, auto, ignore or keep, not '${conntrack}'`)
  const minAgreement = Number(values['min-agreement'])
  const maxSources = Number(values['max-sources'])
  const run = { psad: values.psad, sampleLines: Number(values['sample-lines']) }
  const results: CaseResult[] = []
  let table = ''
  if (values.corpus !== undefined) {
    // The corpus is written in UTC; its RFC 3164 lines carry no zone.
    process.env.TZ = 'UTC'
    results.push(await diffCorpus({ lines: Number(values.corpus), seed: Number(values.seed), psadCompatible: !values['full-corpus'], config: values.config, signatures: values.signatures, conntrack, ...run }))
  }
  const tmp = await mkdtemp(join(tmpdir(), 'psad-diff-'))
  try {
    const base = { config: values.config, overrides: {}, signatures: values.signatures, autoDl: null, psadArgs: [], fields: null, conntrack, year: values.year === undefined ? undefined : Number(values.year) }
    for (const file of positionals) {
      results.push(await runCase({ ...base, name: basename(file), input: file, year: base.year ?? (await isoYear(file)) }, { ...run, tmp }))
    }
    if (values.captures !== undefined) {
      const { cases, skipped } = await captureCases(values.captures, base, tmp)
      const capResults: CaseResult[] = []
      for (const c of cases) capResults.push(await runCase(c, { ...run, tmp }))
      results.push(...capResults)
      table = renderTable(capResults, skipped)
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  if (results.length === 0) throw new Error('nothing to compare: give --corpus N, FILE... or --captures DIR')
  for (const r of results) process.stdout.write(`${renderCase(r, maxSources)}\n\n`)
  if (table !== '') process.stdout.write(`${table}\n`)
  const failing = results.filter((r) => r.agreementPct < minAgreement)
  process.stdout.write(failing.length === 0 ? `all ${results.length} run(s) at or above ${minAgreement}% agreement\n` : `${failing.length} of ${results.length} run(s) below ${minAgreement}% agreement: ${failing.map((r) => r.name).join('; ')}\n`)
  return failing.length === 0 ? 0 : 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`psad-diff: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exitCode = 2
    },
  )
}
