import type { Clock } from '../../src/core/clock.js'

/** Returns a clock frozen at `ms`. */
export function fixedClock(ms: number): Clock {
  return { now: () => ms }
}

/** A clock the test moves by hand (`clock.t = …`). */
export function manualClock(start = 1_000_000): Clock & { t: number } {
  const c = { t: start, now: () => c.t }
  return c
}
