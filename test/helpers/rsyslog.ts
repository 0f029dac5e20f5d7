import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { sleep, until } from './follow.js'

// A private rsyslogd for the end-to-end tests: its own configuration, work directory and pid file in
// a test directory, in the foreground (-n) as our child, never touching the host's syslog (no
// imuxsock, no /dev/log). The caller writes the configuration body; global() is ours.

export class Rsyslog {
  private output = ''
  readonly exited: Promise<number | null>

  private constructor(
    readonly dir: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d))
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d))
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  get pidFile(): string {
    return path.join(this.dir, 'rsyslogd.pid')
  }

  /** What rsyslogd printed so far (its errors). */
  get diagnostics(): string {
    return this.output
  }

  /**
   * Checks `body` with `rsyslogd -N1`, then starts rsyslogd in `dir` with it (local hostname
   * `hostname`); resolves once its pid file exists. Throws with rsyslog's complaint otherwise.
   */
  static async start(dir: string, body: string, hostname = 'fw'): Promise<Rsyslog> {
    mkdirSync(dir, { recursive: true })
    const conf = path.join(dir, 'rsyslog.conf')
    writeFileSync(conf, `global(workDirectory="${dir}" localHostname="${hostname}")\n${body}`)
    const check = spawnSync('rsyslogd', ['-N1', '-f', conf], { encoding: 'utf8' })
    if (check.status !== 0) throw new Error(`rsyslogd rejected ${conf}:\n${check.stdout}${check.stderr}`)
    const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] })
    const r = new Rsyslog(dir, child)
    let code: number | null | undefined
    void r.exited.then((c) => (code = c))
    const end = Date.now() + 15_000
    while (!existsSync(r.pidFile)) {
      if (code !== undefined) throw new Error(`rsyslogd exited with ${code}:\n${r.output}`)
      if (Date.now() > end) throw new Error(`rsyslogd did not start in 15 s:\n${r.output}`)
      await sleep(20)
    }
    return r
  }

  /** The port an imtcp input with listenPortFileName=`file` bound (port="0" picks a free one). */
  async port(file: string): Promise<number> {
    await until(() => existsSync(file) && /^\d+/.test(readFileSync(file, 'utf8')), `rsyslog's port file ${file}`)
    return Number(readFileSync(file, 'utf8').trim())
  }

  /** SIGHUP: rsyslog closes its output files and reopens them by name on the next write (what logrotate's postrotate sends). */
  hup(): void {
    this.child.kill('SIGHUP')
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    this.child.kill('SIGTERM')
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await this.exited
    clearTimeout(t)
  }
}
