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

/** The system clock, except that it stands still from pause() until resume(). */
export function pausableClock(): Clock & { pause(): void; resume(): void } {
  let pausedAt: number | null = null
  return {
    now: () => pausedAt ?? Date.now(),
    pause: () => {
      pausedAt ??= Date.now()
    },
    resume: () => {
      pausedAt = null
    },
  }
}
