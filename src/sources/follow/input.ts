import type { Clock } from '../../core/clock.js'
import type { Delivery } from './delivery.js'

/** One thing to follow. */
export type InputSpec = { kind: 'file'; path: string } | { kind: 'journal' } | { kind: 'fifo'; path: string } | { kind: 'stdin' }

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Receives diagnostics (never report data); messages name the input. */
export type LogSink = (level: LogLevel, message: string) => void

/**
 * following: reading; waiting: the input is not there yet (file missing, journalctl restarting);
 * error: it cannot be read now and is retried with back-off; ended: standard input reached EOF;
 * stopped: stop() was called.
 */
export type InputState = 'following' | 'waiting' | 'error' | 'ended' | 'stopped'

/** What status() says about one input. */
export interface InputStatus {
  input: string
  kind: InputSpec['kind']
  state: InputState
  /** Why the input is waiting or in error, or what it is doing out of the ordinary; null otherwise. */
  reason: string | null
  /** The file being read (a rotated name while its rest is read), null for other inputs. */
  file: string | null
  /** Byte offset in that file after the last line delivered; null for other inputs. */
  offset: number | null
  /** The journal cursor of the last record delivered. */
  cursor: string | null
  /** Lines delivered so far (this run). */
  lines: number
  /** Journal records that could not be used (bad JSON, missing fields), so far. */
  badRecords: number
}

/** Settings shared by every input of one Follower, defaults applied. */
export interface FollowContext {
  fromStart: boolean
  pollMs: number
  /** Whether to use fs.watch besides the stat poll. */
  watch: boolean
  rotateGraceMs: number
  rotateMaxMs: number
  retryMinMs: number
  retryMaxMs: number
  chunkBytes: number
  clock: Clock
  log: LogSink
  journalctl: string
  /** Hands a delivery to the consumer; never throws (a consumer failure stops the Follower). */
  deliver(d: Delivery): Promise<void>
  /** True once stop() was called or the consumer failed. */
  stopped(): boolean
}

/** One followed input, run by the Follower. */
export interface FollowedInput {
  /** Fixes where reading starts (a tail start's end of file) before start() resolves. */
  prepare?(): Promise<void>
  /** Reads until stopped (or, for standard input, until EOF); never rejects. */
  run(): Promise<void>
  /** Wakes run() so it notices stopped() and closes what it holds. */
  interrupt(): void
  status(): InputStatus
}
