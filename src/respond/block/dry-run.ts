import type { BlockDecision, Blocker, BlockedEntry, Presence, UnblockRequest } from '../blocker.js'
import { presence } from '../blocker.js'
import { stepArgv, type CommandPlan } from './runner.js'
import { parseTarget } from './target.js'

// dry-run: runs nothing. Each decision becomes one JSON line naming the argv arrays the configured
// real backend would run for it (its -C/list probes first, as they would run), so an admin can watch
// what blocking would do before turning it on. It remembers its own blocks for list()/present().

/** Where the JSON lines go (stdout in watch). */
export interface LineSink {
  write(text: string): unknown
}

/** One dry-run line. */
export interface DryRunLine {
  type: 'block' | 'unblock'
  ip: string | null
  target: string
  timeout: number | null
  reason: string | null
  dangerLevel: number | null
  commands: string[][]
}

/** The Blocker that runs nothing and reports the commands another backend would run. */
export class DryRunBlocker implements Blocker {
  readonly backend = 'dry-run'
  readonly kernelTimeouts = false
  private readonly blocked = new Map<string, BlockDecision>()

  /** `of` names the backend whose commands are shown. */
  constructor(
    private readonly out: LineSink,
    private readonly plan: CommandPlan,
    readonly of: string,
  ) {}

  private emit(line: DryRunLine): void {
    this.out.write(`${JSON.stringify(line)}\n`)
  }

  async init(): Promise<void> {}

  async block(d: BlockDecision): Promise<void> {
    const t = parseTarget(d.target)
    this.blocked.set(t.cidr, { ...d, target: t.cidr })
    this.emit({ type: 'block', ip: d.ip, target: t.cidr, timeout: d.timeout, reason: d.reason, dangerLevel: d.dangerLevel, commands: stepArgv(this.plan.block(t, d.timeout)) })
  }

  async unblock(r: UnblockRequest): Promise<void> {
    const t = parseTarget(r.target)
    const was = this.blocked.get(t.cidr)
    this.blocked.delete(t.cidr)
    this.emit({ type: 'unblock', ip: r.ip ?? was?.ip ?? null, target: t.cidr, timeout: null, reason: r.reason ?? null, dangerLevel: was?.dangerLevel ?? null, commands: stepArgv(this.plan.unblock(t)) })
  }

  async list(): Promise<BlockedEntry[]> {
    return [...this.blocked.keys()].map((cidr) => { const t = parseTarget(cidr); return { target: t.cidr, family: t.family, expiresIn: null } })
  }

  async present(targets: readonly string[]): Promise<Presence> {
    return presence(targets, new Set(this.blocked.keys()))
  }

  async shutdown(): Promise<void> {}
}
