// Durations a user writes in flags and configuration files: `0`, `90s`, `30m`, `1h`, `7d`, `2w`, or a
// bare number of seconds.

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }

/** Returns a duration in whole seconds, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})\s*([smhdw]?)$/.exec(text.trim())
  if (m === null) return null
  return Number(m[1]) * (m[2] === '' ? 1 : UNIT[m[2]!]!)
}
