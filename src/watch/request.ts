import type { Readable, Writable } from 'node:stream'
import type { PlanRequest } from '../config/plan.js'
import type { Clock } from '../core/clock.js'
import type { LogFn } from '../respond/alert/index.js'
import type { WatchSettings } from '../config/portsleuth-conf.js'
import type { InputSpec } from '../sources/follow/follower.js'

/** Everything `portsleuth watch` was asked to do, already typed (the command only parses flags). */
export interface WatchRequest {
  plan: PlanRequest
  /** What to follow; empty: the system kernel log as `analyze` finds it. */
  inputs: InputSpec[]
  /** Read what a file already holds on its first start (no checkpoint for it). */
  fromStart: boolean
  /** portsleuth.conf given with --config-file; null: the default path, which may be absent. */
  configFile: string | null
  /** Flags that override portsleuth.conf (undefined: not given). */
  overrides: Partial<WatchSettings>
  /** --block / --no-block; undefined: psad.conf's ENABLE_AUTO_IDS decides. */
  block: boolean | undefined
  /** --block-timeout in seconds, for every block instead of psad's per-DL timeouts; null: per DL. */
  blockTimeout: number | null
  version: string
}

/** What a watcher talks to; tests inject each. */
export interface WatchDeps {
  clock: Clock
  /** Event JSON lines (standard output). */
  out: Writable
  /** Diagnostics (standard error). */
  log: LogFn
  stdin?: Readable
}
