import fc from 'fast-check'

// For mutation runs (vitest.mutate.config.ts): every property test draws the same cases each run, so
// a mutant's status does not depend on the draw.
fc.configureGlobal({ seed: 20261206 })
