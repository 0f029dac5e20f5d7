// Expected failures are typed errors with a stable code, an exit status and an optional hint.
// Only the command layer turns them into exit codes; library code throws and never exits.

export const EXIT = {
  ok: 0,
  failOnDl: 1,
  usage: 2,
  config: 3,
  input: 4,
  delivery: 5,
  internal: 70,
} as const

export class PortsleuthError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exit: number,
    readonly hint?: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad command-line usage (exit 2). */
export class UsageError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'usage', EXIT.usage, hint)
  }
}

/** A configuration, auto_dl, signature or data file that cannot be used (exit 3); message names file:line. */
export class ConfigError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'config', EXIT.config, hint)
  }
}

/** An input that is missing, unreadable or corrupt (exit 4). */
export class InputError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'input', EXIT.input, hint)
  }
}

/** An output that cannot be written: a full disk, an unwritable path, a broken stdout (exit 4). */
export class OutputError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'output', EXIT.input, hint)
  }
}

/** A bug: something the code assumed could not happen (exit 70). */
export class InternalError extends PortsleuthError {
  constructor(message: string) {
    super(message, 'internal', EXIT.internal)
  }
}

/** Formats `file:line: message` for diagnostics about a place in a file. */
export function at(file: string, line: number, message: string): string {
  return `${file}:${line}: ${message}`
}
