import { StateError } from '../../core/errors.js'

// Saved records come back from a file that a crash, a full disk or another program may have damaged.
// Decoding checks the shape of every value it takes, so a bad record fails loudly (and the state is
// set aside) instead of filling the engine with NaN and undefined.

/** A saved record that cannot be decoded: the state it belongs to is unusable. */
export class CorruptStateError extends StateError {}

/** Throws the error a malformed saved record gives: which record, which part. */
export function corrupt(where: string, what: string): never {
  throw new CorruptStateError(`corrupt saved state: ${where}: ${what}`)
}

/** Returns v when it is a number (finite or not), else throws. */
export function num(v: unknown, where: string, what: string): number {
  if (typeof v !== 'number') corrupt(where, `${what} is not a number`)
  return v
}

/** Returns v when it is a count: a whole number from 0 up (a counter array would wrap -1 to 2^32 - 1). */
export function count(v: unknown, where: string, what: string): number {
  const n = num(v, where, what)
  if (!(Number.isSafeInteger(n) && n >= 0)) corrupt(where, `${what} ${n} is not a count`)
  return n
}

/** Returns v when it is a string, else throws. */
export function str(v: unknown, where: string, what: string): string {
  if (typeof v !== 'string') corrupt(where, `${what} is not a string`)
  return v
}

/** Returns v when it is a boolean, else throws. */
export function bool(v: unknown, where: string, what: string): boolean {
  if (typeof v !== 'boolean') corrupt(where, `${what} is not true or false`)
  return v
}

/** Returns v when it is an array (of at least `min` items), else throws. */
export function list(v: unknown, where: string, what: string, min = 0): unknown[] {
  if (!Array.isArray(v) || v.length < min) corrupt(where, `${what} is not a list${min > 0 ? ` of ${min}+ items` : ''}`)
  return v
}

/** Returns v when it is a plain object, else throws. */
export function obj(v: unknown, where: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) corrupt(where, `${what} is not an object`)
  return v as Record<string, unknown>
}

/** Returns a list of numbers, else throws. */
export function nums(v: unknown, where: string, what: string): number[] {
  const xs = list(v, where, what)
  for (const x of xs) num(x, where, what)
  return xs as number[]
}

/** A time that JSON cannot hold as NaN: null stands for "none yet". */
export function timeOut(ms: number): number | null {
  return Number.isNaN(ms) ? null : ms
}

/** Reads a time written by timeOut. */
export function timeIn(v: unknown, where: string, what: string): number {
  return v === null ? Number.NaN : num(v, where, what)
}

/** Copies numbers from `values` (from `offset`, in field order) into `target`'s numeric fields. */
export function readNumbers<T extends object>(target: T, fields: readonly (keyof T)[], values: readonly unknown[], offset: number, where: string): void {
  const out = target as Record<keyof T, unknown>
  for (let i = 0; i < fields.length; i++) out[fields[i]!] = num(values[offset + i], where, String(fields[i]))
}
