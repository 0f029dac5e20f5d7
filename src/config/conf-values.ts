import { at, ConfigError } from '../core/errors.js'
import { excerpt } from '../core/excerpt.js'
import type { ConfEntry } from './psad-conf.js'
import type { Settings } from './settings.js'

// Readers of psad.conf values, shared by every key binding: each throws a ConfigError naming the
// file:line, the value and what was expected.

/** Applies one key's value to the settings; `all` is every entry of the file (for keys that repeat). */
export type Apply = (s: Settings, value: string, e: ConfEntry, all: readonly ConfEntry[]) => void

/** Throws ConfigError naming the entry's file:line, the value and what was expected. */
export function fail(e: ConfEntry, expected: string): never {
  throw new ConfigError(at(e.file, e.line, `invalid value '${excerpt(e.value)}' for ${e.key}: expected ${expected}`))
}

/** Returns a whole number in [min, max]; throws ConfigError otherwise. */
export function int(e: ConfEntry, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(e.value)) fail(e, `a whole number ${min}-${max}`)
  const n = Number(e.value)
  if (n < min || n > max) fail(e, `a whole number ${min}-${max}`)
  return n
}

/** Returns psad's Y/N as a boolean; throws ConfigError otherwise. */
export function yesNo(e: ConfEntry): boolean {
  const v = e.value.toUpperCase()
  if (v === 'Y') return true
  if (v === 'N') return false
  return fail(e, 'Y or N')
}

/** True for psad's empty value or NONE. */
export function none(value: string): boolean {
  return value === '' || value.toUpperCase() === 'NONE'
}

/** Returns a comma-separated value as trimmed items (NONE: none). */
export function list(value: string): string[] {
  return none(value) ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '')
}
