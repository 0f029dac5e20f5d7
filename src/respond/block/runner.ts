import { execFile } from 'node:child_process'
import path from 'node:path'
import { FirewallError } from '../../core/errors.js'
import type { Target } from './target.js'

// Firewall commands are argv arrays handed to execFile: no shell ever parses them. A failure becomes
// a FirewallError naming the command, its exit status and stderr, with a hint for the usual causes
// (binary not installed, not root, xtables lock held). Every run has a timeout, so a stuck command
// (or a lock held forever) is an error and not a hang.

/** One command: argv (argv[0] is the program) and optional stdin text (for `nft -f -`). */
export interface Command {
  readonly argv: readonly string[]
  readonly input?: string
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface Runner {
  /** Runs a command. Resolves on exit 0; otherwise throws FirewallError, unless `probe` is set and the
   * failure is an ordinary "no" (a missing rule or chain) rather than a missing binary, missing
   * privileges, a held lock or a timeout: then it resolves with the non-zero code. */
  run(cmd: Command, options?: { probe?: boolean }): Promise<RunResult>
}

export interface RunnerOptions {
  /** Put before every argv, e.g. `['ip', 'netns', 'exec', 'victim']` to act inside a namespace. */
  prefix?: readonly string[]
  /** Kill the command after this long (default 15 s). */
  timeoutMs?: number
  /** Extra environment (e.g. XTABLES_LOCKFILE); added to the process environment. */
  env?: Readonly<Record<string, string>>
}

/** Debian packages that provide the programs the blockers run. */
const PACKAGES: Record<string, string> = {
  iptables: 'iptables', ip6tables: 'iptables', 'iptables-legacy': 'iptables', 'ip6tables-legacy': 'iptables',
  'iptables-nft': 'iptables', 'ip6tables-nft': 'iptables', nft: 'nftables', ipset: 'ipset', ip: 'iproute2',
}

const PERMISSION = /permission denied|operation not permitted|must be root/i
const LOCK = /xtables lock/i
const LOCK_FILE = /can't open lock file/i
const EXEC_MISSING = /exec of "([^"]+)" failed: No such file or directory/

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`
}

/** Returns a command as readable text (for messages only; it is never run through a shell). */
export function showCommand(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ')
}

// stderr goes into a message shown on a terminal: strip control characters and bound it.
function clean(text: string): string {
  const t = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim()
  return t.length > 600 ? `${t.slice(0, 600)}…` : t
}

/** What happened to one run, as the runner saw it. */
export interface Outcome {
  code: number | null
  signal: string | null
  stderr: string
  /** errno text of a spawn failure (`ENOENT`, `EACCES`), else null. */
  errno: string | null
  timedOut: boolean
}

/** True when a failure says something about the environment (not installed, no rights, lock, timeout), not about the rule asked for. */
export function isEnvironmental(o: Outcome): boolean {
  return o.errno !== null || o.timedOut || PERMISSION.test(o.stderr) || LOCK.test(o.stderr) || LOCK_FILE.test(o.stderr) || EXEC_MISSING.test(o.stderr)
}

/** Returns the FirewallError for a failed run: the command, exit status, stderr and a hint for the usual causes. */
export function firewallError(argv: readonly string[], o: Outcome, timeoutMs: number): FirewallError {
  const cmd = showCommand(argv)
  const missing = o.errno === 'ENOENT' ? argv[0]! : EXEC_MISSING.exec(o.stderr)?.[1]
  if (missing !== undefined) {
    const name = path.basename(missing)
    const pkg = PACKAGES[name]
    return new FirewallError(`cannot run '${name}' for: ${cmd}: program not found`, pkg === undefined ? `install '${name}' or put it in PATH` : `install the Debian package '${pkg}' (apt-get install ${pkg})`)
  }
  if (o.errno !== null) return new FirewallError(`cannot run: ${cmd}: ${o.errno}`)
  if (o.timedOut) return new FirewallError(`firewall command did not finish within ${timeoutMs} ms and was killed: ${cmd}`, 'another process may hold the xtables lock or the netlink socket; raise the timeout or find it')
  const status = o.code === null ? `signal ${o.signal}` : `exit ${o.code}`
  const err = clean(o.stderr)
  const message = `firewall command failed (${status}): ${cmd}${err === '' ? '' : `: ${err}`}`
  if (LOCK_FILE.test(o.stderr)) return new FirewallError(message, 'iptables-legacy must open its lock file (XTABLES_LOCKFILE, default /run/xtables.lock): make it writable for this user (systemd: ReadWritePaths=) or run as root')
  if (LOCK.test(o.stderr)) return new FirewallError(message, 'another program holds the xtables lock (XTABLES_LOCKFILE, default /run/xtables.lock); find it with `fuser -v <lockfile>` or raise the lock wait')
  if (PERMISSION.test(o.stderr)) return new FirewallError(message, 'changing the firewall needs root or CAP_NET_ADMIN (systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW)')
  return new FirewallError(message)
}

function once(argv: readonly string[], input: string | undefined, timeoutMs: number, env: Readonly<Record<string, string>> | undefined): Promise<Outcome & { stdout: string }> {
  return new Promise((resolve) => {
    const [file, ...args] = argv
    const child = execFile(file!, args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024, env: env === undefined ? process.env : { ...process.env, ...env } }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string }) | null
      resolve({
        stdout,
        stderr,
        code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
        signal: e?.signal ?? null,
        errno: typeof e?.code === 'string' ? e.code : null,
        timedOut: e?.killed === true && e.signal === 'SIGKILL',
      })
    })
    // A program that exits before reading its stdin closes the pipe; its exit status tells the story.
    child.stdin?.on('error', () => {})
    child.stdin?.end(input ?? '')
  })
}

/** Returns a Runner that runs commands with execFile (prefix, timeout and environment from options). */
export function execRunner(options: RunnerOptions = {}): Runner {
  const prefix = options.prefix ?? []
  const timeoutMs = options.timeoutMs ?? 15_000
  return {
    async run(cmd, opts = {}) {
      const argv = [...prefix, ...cmd.argv]
      const o = await once(argv, cmd.input, timeoutMs, options.env)
      if (o.code === 0) return { code: 0, stdout: o.stdout, stderr: o.stderr }
      if (opts.probe === true && o.code !== null && !isEnvironmental(o)) return { code: o.code, stdout: o.stdout, stderr: o.stderr }
      throw firewallError(argv, o, timeoutMs)
    },
  }
}

/** A command, run only when a probe says so: `unless` exits 0 → skip; `onlyIf` exits non-zero → skip. */
export interface Step {
  readonly run: Command
  readonly unless?: Command
  readonly onlyIf?: Command
}

/** Runs steps in order (each probe, then its command when the probe allows it); throws the first FirewallError. */
export async function runSteps(runner: Runner, steps: readonly Step[]): Promise<void> {
  for (const s of steps) {
    if (s.unless !== undefined && (await runner.run(s.unless, { probe: true })).code === 0) continue
    if (s.onlyIf !== undefined && (await runner.run(s.onlyIf, { probe: true })).code !== 0) continue
    await runner.run(s.run)
  }
}

/** Returns every argv the steps may run, probes included, in order (what dry-run reports). */
export function stepArgv(steps: readonly Step[]): string[][] {
  const out: string[][] = []
  for (const s of steps) {
    if (s.unless !== undefined) out.push([...s.unless.argv])
    if (s.onlyIf !== undefined) out.push([...s.onlyIf.argv])
    out.push([...s.run.argv])
  }
  return out
}

/** The commands of one backend for each action; pure, so tests and dry-run read them without running anything. */
export interface CommandPlan {
  init(): Step[]
  /** `timeout` in seconds, 0 = permanent (ignored by backends without kernel timeouts). */
  block(target: Target, timeout: number): Step[]
  unblock(target: Target): Step[]
  shutdown(mode: 'keep' | 'remove'): Step[]
}
