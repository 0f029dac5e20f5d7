import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { InputError } from '../core/errors.js'
import type { FwCheckDeps } from './check.js'
import { execCommand } from './live.js'
import type { Family } from './ruleset.js'

// The machine behind fw-check: commands through execFile, /proc, rules files and standard input.

const FORWARD_FILE: Record<Family, string> = { ipv4: '/proc/sys/net/ipv4/ip_forward', ipv6: '/proc/sys/net/ipv6/conf/all/forwarding' }

async function readProc(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return null
  }
}

/** Returns fw-check's dependencies on this machine. */
export function systemDeps(stdin: NodeJS.ReadableStream = process.stdin): FwCheckDeps {
  return {
    run: execCommand,
    readProc,
    forwarding: async (family) => {
      const v = (await readProc(FORWARD_FILE[family]))?.trim()
      return v === undefined ? null : v !== '0'
    },
    readRules: async (file) => {
      try {
        return file === '-' ? await text(stdin) : await readFile(file, 'utf8')
      } catch (err) {
        throw new InputError(`cannot read rules file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
      }
    },
  }
}
