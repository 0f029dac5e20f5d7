import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parsePsadOutput, type PsadReport } from './psad-output.js'

// Runs Debian's psad 2.4.6 in analysis mode without touching the system's psad state: psad -A deletes
// and recreates ANALYSIS_MODE_DIR, writes analysis.out and fwerrorlog under PSAD_DIR, and creates
// CONF_ARCHIVE_DIR under /etc/psad. An override file (-O, read before the config, first definition
// wins) moves all of that into a private temporary directory, which is removed afterwards, and turns
// off everything that reaches outside (DNS, whois, mail, firewall checks, DShield, scripts).

const run = promisify(execFile)

export interface PsadRunOptions {
  input: string
  /** psad.conf to use (-c). */
  config: string
  /** Extra `NAME value` settings for this run (a test-suite config variant). */
  overrides: Readonly<Record<string, string>>
  signatures: string
  /** auto_dl file, or null for --no-auto-dl. */
  autoDl: string | null
  /** More psad arguments, e.g. ['--analysis-fields', 'SRC:1.2.3.4']. */
  args: readonly string[]
  psad: string
}

export interface PsadRun {
  output: string
  report: PsadReport
  /** Lines psad could not parse (its fwerrorlog), verbatim. */
  errorLines: string[]
  exitCode: number
  seconds: number
}

function isolation(dir: string): Record<string, string> {
  return {
    PSAD_DIR: join(dir, 'var'),
    PSAD_RUN_DIR: join(dir, 'run'),
    PSAD_FIFO_DIR: join(dir, 'fifo'),
    CONF_ARCHIVE_DIR: join(dir, 'archive'),
    SCAN_DATA_ARCHIVE_DIR: join(dir, 'scan_archive'),
    ANALYSIS_MODE_DIR: join(dir, 'var', 'ipt_analysis'),
    ENABLE_DNS_LOOKUPS: 'N',
    ENABLE_WHOIS_LOOKUPS: 'N',
    ALERTING_METHODS: 'noemail',
    ENABLE_FW_LOGGING_CHECK: 'N',
    ENABLE_AUTO_IDS: 'N',
    ENABLE_DSHIELD_ALERTS: 'N',
    ENABLE_EXT_SCRIPT_EXEC: 'N',
    ENABLE_EXT_BLOCK_SCRIPT_EXEC: 'N',
    ENABLE_SCAN_ARCHIVE: 'N',
  }
}

async function findFiles(dir: string, name: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name === name) out.push(join(e.parentPath ?? dir, e.name))
  }
  return out
}

/** True when a psad binary answers `psad -V`. */
export async function psadAvailable(psad = 'psad'): Promise<boolean> {
  try {
    const { stdout } = await run(psad, ['-V'], { timeout: 20_000 })
    return /psad v?\d/i.test(stdout)
  } catch {
    return false
  }
}

/** Runs `psad -A` on one input in a private directory; throws when psad cannot be started. */
export async function runPsad(o: PsadRunOptions): Promise<PsadRun> {
  const dir = await mkdtemp(join(tmpdir(), 'psad-diff-'))
  try {
    for (const d of ['var', 'run', 'fifo', 'archive']) await mkdir(join(dir, d), { recursive: true })
    // Case settings first: within one file too, psad keeps the first definition.
    const settings = { ...o.overrides, ...isolation(dir) }
    const override = join(dir, 'override.conf')
    await writeFile(override, Object.entries(settings).map(([k, v]) => `${k}    ${v};\n`).join(''))
    const args = [
      '-A', '-m', o.input, '-c', o.config, '-O', override, '--signatures', o.signatures,
      '--no-rdns', '--no-whois', '--no-fwcheck', '--no-netstat',
      ...(o.autoDl === null ? ['--no-auto-dl'] : ['--auto-dl', o.autoDl]),
      ...o.args,
    ]
    const t0 = performance.now()
    let output = ''
    let exitCode = 0
    try {
      const r = await run(o.psad, args, { maxBuffer: 1 << 30, timeout: 3_600_000 })
      output = r.stdout + r.stderr
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number | string; message: string }
      if (typeof e.code !== 'number') throw new Error(`cannot run ${o.psad}: ${e.message}`)
      output = (e.stdout ?? '') + (e.stderr ?? '')
      exitCode = e.code
    }
    const seconds = (performance.now() - t0) / 1000
    const errorLines: string[] = []
    for (const f of await findFiles(dir, 'fwerrorlog')) {
      for (const line of (await readFile(f, 'utf8')).split('\n')) if (line.trim() !== '') errorLines.push(line)
    }
    const report = parsePsadOutput(output)
    if (report.firewallLines === null) {
      // Not even the "Found N iptables log messages" line: psad did not analyse (not root, bad config…).
      throw new Error(`psad -A produced no analysis (exit ${exitCode}): ${output.trim().split('\n').slice(0, 5).join(' | ')}`)
    }
    return { output, report, errorLines, exitCode, seconds }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
