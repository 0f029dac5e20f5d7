// Expected failures are typed errors with a stable code, an exit status and an optional hint.
// Only the command layer turns them into exit codes; library code throws and never exits.

export const EXIT = {
  ok: 0,
  failOnDl: 1,
  /** fw-check found something to fix (same number as failOnDl: "the check failed"). */
  findings: 1,
  usage: 2,
  config: 3,
  input: 4,
  /** An action could not be carried out: a mail not delivered, a firewall command that failed. */
  action: 5,
  /** `status`/`block`: no watcher is running (status still prints the saved state). */
  noWatcher: 6,
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

/** A firewall command failed, so an action could not be carried out (exit 5); names the command, its exit status and stderr. */
export class FirewallError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'firewall', EXIT.action, hint)
  }
}

/** An address or network that cannot be a block target (exit 2); nothing is run for it. */
export class TargetError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'target', EXIT.usage, hint)
  }
}

/** A state directory or state file that cannot be used (exit 4): which path, and why. */
export class StateError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'state', EXIT.input, hint)
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
