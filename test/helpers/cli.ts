import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (npm test builds first) and returns its exit status and output. */
export function cli(args: readonly string[], opts: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input,
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Runs the CLI and parses its JSON report. */
export function cliJson(args: readonly string[], opts: Parameters<typeof cli>[1] = {}): { run: Run; report: any } {
  const run = cli([...args, '--format', 'json'], opts)
  let report: any = null
  try {
    report = JSON.parse(run.stdout)
  } catch {
    throw new Error(`no JSON (status ${run.status}): ${run.stderr}\n${run.stdout.slice(0, 500)}`)
  }
  return { run, report }
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'portsleuth-test-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
