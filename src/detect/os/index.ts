// Passive OS fingerprinting of SYNs: p0f v2 (pf.os) signatures when options are logged, posf
// otherwise. A run compiles a database once (loaded by config/os-files.ts), keeps one OsState per source, calls observeSyn for
// every TCP packet with SYN set and ACK clear, and asks osGuesses when it builds the report.
export { compileOsDatabase } from './database.js'
export type { OsDatabase, OsDatabaseFiles, OsDatabaseOptions } from './database.js'
export { explainSyn, newOsState, observeSyn, osGuesses, verdicts } from './fingerprint.js'
export { posfValues } from './posf-match.js'
export type { OsState, SynOutcome } from './fingerprint.js'
export { decodeTcpOptions } from './tcp-options.js'
export type { DecodedOptions, TcpOption } from './tcp-options.js'
export type { OsGuess, OsMethod, P0fEntry, PosfEntry } from './types.js'
