import { Errors } from '@oclif/core'
import { EXIT, PortsleuthError } from '../core/errors.js'
import { printable } from '../core/excerpt.js'

// How a failure reads on stderr, whoever raised it: a command (its catch), oclif itself (an unknown
// command, a bad flag before a command runs), or a hook. One style: `portsleuth: <what>` and, when
// there is one, `  hint: <what to do>`; the exit status from the exit-code table.

// oclif decorates its messages with ANSI colour and a help pointer of its own.
const ANSI = /\u001b\[[0-9;]*m/g
const OCLIF_HELP = /\n\s*See more help with --help$/

/** The lines a failure prints (without the final newlines) and the exit status it ends with. */
export interface FailureReport {
  lines: string[]
  exit: number
}

/**
 * Describes a failure for stderr. `helpCommand` is what `--help` hints name (`portsleuth analyze`).
 * ExitError (a command's own exit) prints nothing; anything unexpected is exit 70, its stack only with
 * DEBUG=portsleuth.
 */
export function describeFailure(err: unknown, helpCommand: string): FailureReport {
  if (err instanceof Errors.ExitError) return { lines: [], exit: err.oclif.exit ?? EXIT.internal }
  if (err instanceof PortsleuthError) {
    const lines = [`portsleuth: ${printable(err.message)}`]
    if (err.hint !== undefined) lines.push(`  hint: ${printable(err.hint)}`)
    return { lines, exit: err.exit }
  }
  if (err instanceof Errors.CLIError) {
    const message = printable(err.message.replace(ANSI, '').replace(OCLIF_HELP, '').replace(/\s*\n\s*/g, ' ').trim())
    return { lines: [`portsleuth: ${message}`, `  hint: see '${helpCommand} --help'`], exit: EXIT.usage }
  }
  const e = err instanceof Error ? err : new Error(String(err))
  const lines = [`portsleuth: internal error: ${printable(e.message)}`, '  this is a bug in portsleuth; please report it with the command you ran']
  if ((process.env.DEBUG ?? '').includes('portsleuth')) lines.push(e.stack ?? '')
  return { lines, exit: EXIT.internal }
}

/** Prints a failure that reached the entry point (bin/run.js) and ends the process with its status. */
export function exitWithFailure(err: unknown): never {
  const { lines, exit } = describeFailure(err, 'portsleuth')
  for (const line of lines) process.stderr.write(`${line}\n`)
  process.exit(exit)
}
