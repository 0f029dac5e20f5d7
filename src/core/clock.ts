// The one module that reads the wall clock. Everything else takes time as an input, so tests can
// pin it and replayed logs are scored on their own timestamps.

export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
