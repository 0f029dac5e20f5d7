import type { BlockDecision, Blocker, BlockedEntry, Presence, UnblockRequest } from '../blocker.js'
import { runSteps, type CommandPlan, type Runner } from './runner.js'
import { parseTarget } from './target.js'

/**
 * A firewall Blocker: every change is a step of its CommandPlan, run by its Runner; each backend
 * reads the kernel's state back its own way (list, present).
 */
export abstract class PlanBlocker implements Blocker {
  abstract readonly backend: string
  abstract readonly kernelTimeouts: boolean

  constructor(
    protected readonly runner: Runner,
    readonly plan: CommandPlan,
  ) {}

  async init(): Promise<void> {
    await runSteps(this.runner, this.plan.init())
  }

  async block(d: BlockDecision): Promise<void> {
    await runSteps(this.runner, this.plan.block(parseTarget(d.target), d.timeout))
  }

  async unblock(r: UnblockRequest): Promise<void> {
    await runSteps(this.runner, this.plan.unblock(parseTarget(r.target)))
  }

  async shutdown(mode: 'keep' | 'remove'): Promise<void> {
    await runSteps(this.runner, this.plan.shutdown(mode))
  }

  abstract list(): Promise<BlockedEntry[]>
  abstract present(targets: readonly string[]): Promise<Presence>
}
