import { Command, Errors } from '@oclif/core'
import { printable } from '../core/excerpt.js'
import type { BatchOutcome } from '../run/batch.js'
import { describeFailure } from './failure.js'
import { guardProcess } from './process-guards.js'

// Where a command's errors become exit codes (failure.ts says how they read; bin/run.js does the same
// for failures outside a command). Expected failures print `portsleuth: <message>` and a hint;
// anything else is a bug (exit 70) whose stack is shown only with DEBUG=portsleuth.

export abstract class BaseCommand extends Command {
  override async init(): Promise<void> {
    guardProcess()
    await super.init()
  }

  /** Writes report data to stdout, waiting for the pipe to drain. */
  protected async out(text: string): Promise<void> {
    if (process.stdout.write(text)) return
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve))
  }

  /** Prints a diagnostic line to stderr, control characters escaped (messages quote files and logs). */
  protected note(text: string): void {
    process.stderr.write(`portsleuth: ${printable(text)}\n`)
  }

  /** Prints the hint line that follows a diagnostic. */
  protected hint(text: string): void {
    process.stderr.write(`  hint: ${printable(text)}\n`)
  }

  /** Prints what a batch run has to say on stderr: warnings (with --verbose), notes, input problems. */
  protected batchNotes(outcome: BatchOutcome, verbose: boolean): void {
    if (verbose) {
      for (const w of outcome.plan.warnings) this.note(w)
      if (outcome.plan.ignoredConfigKeys.length > 0) this.note(`configuration keys not used by portsleuth: ${outcome.plan.ignoredConfigKeys.join(', ')}`)
    }
    for (const n of outcome.notes) this.note(n)
    for (const p of outcome.problems) this.note(p.message)
  }

  override async catch(err: Error & { exitCode?: number }): Promise<void> {
    if (err instanceof Errors.ExitError) throw err
    const { lines, exit } = describeFailure(err, `${this.config.bin} ${this.id?.replace(/:/g, ' ') ?? ''}`.trim())
    for (const line of lines) process.stderr.write(`${line}\n`)
    this.exit(exit)
  }
}
