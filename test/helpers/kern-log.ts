import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { sleep, until } from './follow.js'
import type { NetnsLab } from './netns.js'
import { Rsyslog } from './rsyslog.js'

// A kern.log written by a private rsyslog from the kernel's LOG output of a lab's victim namespace,
// for the end-to-end tests. rsyslog reads /dev/kmsg (imkmsg: every reader gets every record, so the
// host's syslog loses nothing) and keeps only the lines carrying this run's token (the LOG prefix of
// the victim's rules), written in Debian's default format (RSYSLOG_FileFormat, host name `fw`).
// Markers written to /dev/kmsg go to a file of their own: once a marker is there, every line the
// kernel logged before it is in kern.log (one rsyslog queue, in order), which makes a flush barrier.

export class KernLog {
  private marks = 0

  private constructor(
    readonly token: string,
    readonly file: string,
    readonly rsyslog: Rsyslog,
    private readonly markFile: string,
  ) {}

  /** Starts rsyslog in `dir` writing `dir/kern.log` (created empty) from the lines that contain `token`. */
  static async start(dir: string, token: string): Promise<KernLog> {
    const file = path.join(dir, 'kern.log')
    const markFile = path.join(dir, 'marks.log')
    writeFileSync(file, '')
    const rsyslog = await Rsyslog.start(path.join(dir, 'rsyslog'), [
      'module(load="imkmsg")',
      `if $msg contains "${token}-mark" then {`,
      `  action(type="omfile" file="${markFile}")`,
      '  stop',
      '}',
      `if $msg contains "${token} " then action(type="omfile" file="${file}" template="RSYSLOG_FileFormat")`,
      '',
    ].join('\n'))
    const k = new KernLog(token, file, rsyslog, markFile)
    await k.flush() // imkmsg replays the ring buffer first: wait until it reads live records
    return k
  }

  /** The log prefix for LOG rules whose lines go to kern.log. */
  get prefix(): string {
    return `${this.token} `
  }

  /** Writes a marker to the kernel log and waits until rsyslog has written it (and so every line before it). */
  async flush(): Promise<void> {
    const mark = `${this.token}-mark-${++this.marks}`
    writeFileSync('/dev/kmsg', `${mark}\n`)
    await until(() => existsSync(this.markFile) && readFileSync(this.markFile, 'utf8').includes(mark), `rsyslog to write ${mark}; rsyslog said: ${this.rsyslog.diagnostics}`)
  }

  /** Waits until the victim's LOG rules stop counting packets (nothing in flight), then flushes rsyslog. */
  async settle(lab: NetnsLab): Promise<number> {
    let prev = loggedPackets(lab)
    for (let i = 0; i < 50; i++) {
      await sleep(300)
      const now = loggedPackets(lab)
      if (now === prev) {
        await this.flush()
        return now
      }
      prev = now
    }
    throw new Error('the firewall kept logging for 15 s after the traffic stopped')
  }

  /** The firewall lines of kern.log (and of the rotated files named), oldest first. */
  lines(...files: string[]): string[] {
    const all = (files.length === 0 ? [this.file] : files).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'))
    return all.join('').split('\n').filter((l) => l.includes(this.prefix))
  }
}

/** Packets the victim's LOG rules (iptables and ip6tables, any table) have matched so far. */
export function loggedPackets(lab: NetnsLab): number {
  let n = 0
  for (const save of [lab.inV('iptables-save', '-c'), lab.inV('ip6tables-save', '-c')]) {
    for (const line of save.split('\n')) {
      const m = /^\[(\d+):\d+\] .* -j LOG /.exec(line)
      if (m !== null) n += Number(m[1])
    }
  }
  return n
}
