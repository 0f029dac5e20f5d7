import { spawn, type ChildProcess } from 'node:child_process'
import { BIN, ROOT } from './cli.js'
import { sleep } from './follow.js'

// Runs `portsleuth watch` (the built CLI) as a child process and collects its event lines and
// diagnostics as they come, for the end-to-end tests of watch.

export class WatchProcess {
  readonly events: Record<string, any>[] = []
  /** When each event arrived (Date.now()), index for index with `events`. */
  readonly times: number[] = []
  stderr = ''
  private stdoutRest = ''
  readonly exited: Promise<number | null>

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const text = this.stdoutRest + d
      const lines = text.split('\n')
      this.stdoutRest = lines.pop()!
      for (const l of lines) {
        if (l === '') continue
        this.events.push(JSON.parse(l) as Record<string, any>)
        this.times.push(Date.now())
      }
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d))
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  /**
   * Starts watch with `args`, behind `prefix` when given (`ip netns exec NS`: the command must exec
   * node, so signals reach watch); resolves once it says it is watching (or rejects with its stderr
   * when it exits first).
   */
  static async start(args: readonly string[], env: Record<string, string> = {}, stdin: 'pipe' | 'ignore' = 'ignore', prefix: readonly string[] = []): Promise<WatchProcess> {
    const argv = [...prefix, process.execPath, BIN, 'watch', ...args]
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, TZ: 'UTC', ...env }, stdio: [stdin, 'pipe', 'pipe'] })
    const w = new WatchProcess(child)
    let code: number | null | undefined
    void w.exited.then((c) => (code = c))
    const end = Date.now() + 30_000
    while (!/portsleuth: watching /.test(w.stderr)) {
      if (code !== undefined) throw new Error(`watch exited with ${code} before watching:\n${w.stderr}`)
      if (Date.now() > end) throw new Error(`watch did not start in 30 s:\n${w.stderr}`)
      await sleep(20)
    }
    return w
  }

  /** Waits until an event satisfies `pred`; returns it. */
  async event(pred: (e: Record<string, any>) => boolean, what: string, ms = 15_000): Promise<Record<string, any>> {
    const end = Date.now() + ms
    for (;;) {
      const e = this.events.find(pred)
      if (e !== undefined) return e
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events).slice(0, 2000)}\nstderr:\n${this.stderr}`)
      await sleep(10)
    }
  }

  /** Sends `signal` and waits for the exit status. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
    return this.exited
  }
}
