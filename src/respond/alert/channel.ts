import type { WatchEvent } from './event.js'

// What every alert channel (JSON lines, syslog, email, webhook, external command) is to the
// Dispatcher. Sending never throws and never waits: a slow SMTP server or a dead webhook must not
// hold up detection. Failures are reported through the injected log, with the channel, the server
// and its reply, and never end `watch`.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

/** Where channels report trouble; `watch` routes it to stderr or the journal. */
export type LogFn = (level: LogLevel, message: string) => void

/** Which gates apply to a channel (see Dispatcher). */
export type ChannelKind = 'json' | 'syslog' | 'email' | 'webhook' | 'exec'

export interface Channel {
  /** Names the channel in log messages and test results: `email`, `webhook https://siem.example`. */
  readonly name: string
  readonly kind: ChannelKind
  /** Queues the event for delivery; never throws, never waits. */
  send(e: WatchEvent): void
  /** Delivers one event now, past limits, digests and once-per-source rules; rejects with the reason it failed. */
  test(e: WatchEvent): Promise<void>
  /** Resolves once everything queued is delivered or given up, or after `timeoutMs`, whichever is first. */
  flush(timeoutMs: number): Promise<void>
  /** Stops the channel; what is still queued is dropped and logged. */
  close(): Promise<void>
  /** Gives the channel a way to emit events of its own (an email-limit notice) to the other channels. */
  attach?(emit: (e: WatchEvent, from: Channel) => void): void
  /** Counters that must survive a restart, as plain JSON (email limits, once-per-source commands). */
  snapshot?(): unknown
  /** Takes back what snapshot() returned; ignores what it does not recognise. */
  restore?(state: unknown): void
}
