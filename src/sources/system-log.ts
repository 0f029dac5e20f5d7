import { access, constants } from 'node:fs/promises'
import { delimiter } from 'node:path'
import { InputError } from '../core/errors.js'
import type { Input } from './inputs.js'

// With no FILE, `analyze` reads the system's kernel log. PORTSLEUTH_SYSTEM_LOGS (colon-separated
// paths) and PORTSLEUTH_JOURNALCTL replace the candidates, for tests and unusual systems.

export const SYSTEM_LOGS = ['/var/log/kern.log', '/var/log/messages', '/var/log/syslog']

async function readable(file: string): Promise<boolean> {
  try {
    await access(file, constants.R_OK)
    return true
  } catch {
    return false
  }
}

async function onPath(command: string): Promise<boolean> {
  if (command.includes('/')) return readable(command)
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && (await readable(`${dir}/${command}`))) return true
  }
  return false
}

/** Returns the first readable system kernel log, else the journal; throws InputError (exit 4) if neither. */
export async function systemLog(since: number | null, until: number | null): Promise<Input> {
  const candidates = process.env.PORTSLEUTH_SYSTEM_LOGS?.split(':').filter((s) => s !== '') ?? SYSTEM_LOGS
  for (const file of candidates) if (await readable(file)) return { kind: 'file', path: file }
  const journalctl = process.env.PORTSLEUTH_JOURNALCTL ?? 'journalctl'
  if (await onPath(journalctl)) return { kind: 'journal', since, until }
  throw new InputError(
    `no kernel log found: looked for ${candidates.join(', ')} and for ${journalctl} on PATH`,
    'name a log file (portsleuth analyze FILE) or pipe one in (portsleuth analyze -)',
  )
}
