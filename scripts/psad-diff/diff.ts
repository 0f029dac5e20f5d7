import { createReadStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { loadConfig } from '../../src/config/load.js'
import type { ConntrackMode } from '../../src/config/settings.js'
import { canonicalIP, psadIcmpTypeNumbers } from './addresses.js'
import { attribute, UNEXPECTED, type AttributedDiff } from './attribute.js'
import { compareVerdicts, ourVerdicts, psadVerdicts, type Comparison, type Verdict } from './compare.js'
import type { DiffContext, Variant } from './expected.js'
import { runPortsleuth, configWith } from './run-portsleuth.js'
import { runPsad } from './run-psad.js'

// One differential run: psad and portsleuth on the same input with the same settings, the verdicts
// compared per source, and every difference attributed (attribute.ts) to an expected cause or marked
// unexpected.

export { UNEXPECTED, type AttributedDiff }

export interface DiffCase {
  name: string
  input: string
  config: string
  /** Settings for both tools on top of `config` (a psad test-suite config variant). */
  overrides: Readonly<Record<string, string>>
  signatures: string
  autoDl: string | null
  /** psad-only arguments, and the same criteria for portsleuth's --fields. */
  psadArgs: readonly string[]
  fields: string | null
  /** portsleuth's ACK/RST mode; 'config' = what the config tells psad (ignore or keep). */
  conntrack: ConntrackMode | 'config'
  year: number | undefined
}

export interface CaseResult {
  name: string
  comparison: Comparison
  attributed: AttributedDiff[]
  /** % of compared sources whose DL is identical, and identical or different for an expected reason. */
  identicalDlPct: number
  agreementPct: number
  unexpectedDl: number
  psad: { seconds: number; firewallLines: number | null; errorLines: string[]; levels: Record<number, number>; unparsed: string[] }
  ours: { seconds: number; packets: number; linesRead: number; skipped: Record<string, number>; levels: Record<string, number> }
  /** Input lines of the sources with unexpected differences (a few each). */
  samples: Map<string, string[]>
  context: DiffContext
}

export interface DiffRunOptions {
  psad: string
  tmp: string
  /** Lines to keep per source with an unexpected difference. */
  sampleLines: number
}

function psadTypesDir(overrides: Readonly<Record<string, string>>): string {
  return overrides.PSAD_CONF_DIR ?? '/etc/psad'
}

let psadInputs = 0

// A line of a packet the logging host sent: no input interface, an output one.
const OUTBOUND = /\bIN= OUT=\S/

/** Writes `input` without the lines of packets the logging host sent; returns the new file. */
export async function withoutOutbound(input: string, out: string): Promise<string> {
  await writeFile(out, (await readFile(input, 'utf8')).split('\n').filter((l) => !OUTBOUND.test(l)).join('\n'))
  return out
}

async function prepareVariant(c: DiffCase, v: Variant, psadErrors: readonly string[], tmp: string, tag: string): Promise<{ input: string; signatures: string }> {
  let input = c.input
  let signatures = c.signatures
  if ((v.withoutPsadErrors === true && psadErrors.length > 0) || v.withoutOutbound === true) {
    const rejected = new Set((v.withoutPsadErrors === true ? psadErrors : []).map((l) => l.trimEnd()))
    const kept = (await readFile(c.input, 'utf8')).split('\n').filter((l) => !rejected.has(l.trimEnd()) && !(v.withoutOutbound === true && OUTBOUND.test(l)))
    input = join(tmp, `${tag}.log`)
    await writeFile(input, kept.join('\n'))
  }
  if (v.rule !== undefined) {
    const rewrite = v.rule
    const lines = (await readFile(c.signatures, 'utf8')).split('\n').flatMap((l) => {
      if (!/^\s*alert\b/.test(l)) return [l]
      const r = rewrite(l)
      return r === null ? [] : [r]
    })
    signatures = join(tmp, `${tag}.sig`)
    await writeFile(signatures, lines.join('\n'))
  }
  return { input, signatures }
}

// psad type tables in which every type 0-255 has every code 0-255: validation that accepts everything.
async function permissiveIcmpTypes(tmp: string): Promise<Record<string, string>> {
  const v4 = join(tmp, 'icmp_types.all')
  const v6 = join(tmp, 'icmp6_types.all')
  const codes = Array.from({ length: 256 }, (_, c) => `    ${c}\n`).join('')
  const text = Array.from({ length: 256 }, (_, t) => `${t}   type ${t}\n${codes}\n`).join('')
  await writeFile(v4, text)
  await writeFile(v6, text)
  return { ICMP_TYPES_FILE: v4, ICMP6_TYPES_FILE: v6 }
}

async function samplesFor(input: string, ips: ReadonlySet<string>, max: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (ips.size === 0 || max <= 0) return out
  const rl = createInterface({ input: createReadStream(input), crlfDelay: Infinity })
  for await (const line of rl) {
    const m = /\bSRC=(\S+)/.exec(line)
    if (m === null) continue
    const ip = canonicalIP(m[1]!)
    if (!ips.has(ip)) continue
    const list = out.get(ip) ?? []
    if (list.length < max) list.push(line)
    out.set(ip, list)
  }
  return out
}

/** Runs one case end to end. Throws when either tool cannot run (psad missing, bad config). */
export async function runCase(c: DiffCase, o: DiffRunOptions): Promise<CaseResult> {
  // The case's settings go into one derived config that both tools read.
  const caseConfig = await configWith(c.config, c.overrides, o.tmp)
  const { settings } = await loadConfig(caseConfig)
  const psadConntrack: ConntrackMode = settings.detection.conntrack === 'keep' ? 'keep' : 'ignore'
  const ourConntrack: ConntrackMode = c.conntrack === 'config' ? psadConntrack : c.conntrack
  const runOurs = async (v: Variant, tag: string, psadErrors: readonly string[]): Promise<Awaited<ReturnType<typeof runPortsleuth>>> => {
    const { input, signatures } = await prepareVariant(c, v, psadErrors, o.tmp, tag)
    return runPortsleuth({
      input, config: caseConfig, overrides: v.overrides ?? {}, signatures, conntrack: v.conntrack ?? ourConntrack,
      year: c.year, fields: c.fields, icmpValidation: v.icmpValidation ?? true, autoDl: c.autoDl, tmp: o.tmp, includeAllowed: v.includeAllowed === true, floodScoring: v.floodScoring ?? true,
    })
  }
  const runTheirs = async (v: Variant): Promise<Awaited<ReturnType<typeof runPsad>>> => {
    const overrides = v.psadAcceptsAllIcmp === true ? await permissiveIcmpTypes(o.tmp) : {}
    const input = v.withoutOutbound === true ? await withoutOutbound(c.input, join(o.tmp, `psad-${++psadInputs}-without-outbound.log`)) : c.input
    return runPsad({ input, config: caseConfig, overrides, signatures: c.signatures, autoDl: c.autoDl, args: [...c.psadArgs, ...(v.psadArgs ?? [])], psad: o.psad })
  }
  const [psad, ours] = await Promise.all([runTheirs({}), runOurs({}, 'main', [])])
  const dir = psadTypesDir(c.overrides)
  const icmpTypes = { v4: psadIcmpTypeNumbers(join(dir, 'icmp_types')), v6: psadIcmpTypeNumbers(join(dir, 'icmp6_types')) }
  const pv = psadVerdicts(psad.report, icmpTypes)
  const comparison = compareVerdicts(pv, ourVerdicts(ours.report))
  const context: DiffContext = { psadConntrack, ourConntrack, persistence: settings.detection.persistence, psadErrorLines: psad.errorLines.length, autoDl: c.autoDl !== null }
  // psad variants are slow (psad reads about 6,000 lines/s): each distinct one runs once.
  const psadRuns = new Map<string, Promise<Map<string, Verdict>>>([[JSON.stringify([[], false, false]), Promise.resolve(pv)]])
  const theirsFor = (v: Variant): Promise<Map<string, Verdict>> => {
    const key = JSON.stringify([v.psadArgs ?? [], v.psadAcceptsAllIcmp === true, v.withoutOutbound === true])
    let run = psadRuns.get(key)
    if (run === undefined) psadRuns.set(key, (run = runTheirs(v).then((r) => psadVerdicts(r.report, icmpTypes))))
    return run
  }
  const attributed = await attribute(comparison.diffs, context, async (v, tag) => {
    const [theirs, mine] = await Promise.all([theirsFor(v), runOurs(v, tag, psad.errorLines).then((r) => ourVerdicts(r.report))])
    return { theirs, mine }
  })

  const unexpectedIps = new Set(attributed.filter((a) => Object.values(a.causes).includes(UNEXPECTED)).map((a) => a.diff.ip))
  const unexpectedDl = attributed.filter((a) => a.causes.dl === UNEXPECTED).length
  const pct = (n: number): number => (comparison.compared === 0 ? 100 : (100 * n) / comparison.compared)
  const r = ours.report
  return {
    name: c.name,
    comparison,
    attributed,
    identicalDlPct: pct(comparison.identicalDl),
    agreementPct: pct(comparison.compared - unexpectedDl),
    unexpectedDl,
    psad: { seconds: psad.seconds, firewallLines: psad.report.firewallLines, errorLines: psad.errorLines, levels: psad.report.levels, unparsed: psad.report.unparsed },
    ours: { seconds: ours.seconds, packets: r.summary.packets, linesRead: r.summary.linesRead, skipped: r.summary.skipped, levels: r.summary.dangerLevels },
    samples: await samplesFor(c.input, unexpectedIps, o.sampleLines),
    context,
  }
}
