import { ConfigError } from '../../core/errors.js'
import type { Channel, LogFn } from './channel.js'
import type { EnrichQueue } from './enrich-queue.js'
import type { WatchEvent } from './event.js'

// Fans each event out to the channels and applies psad's gates:
// - MIN_DANGER_LEVEL: an alert below it reaches no channel;
// - EMAIL_ALERT_DANGER_LEVEL: an alert below it is not mailed and does not run EXTERNAL_SCRIPT
//   (psad runs the script after the mail); block and unblock mails need it too;
// - ALERTING_METHODS `noemail` / `nosyslog`: no mail / no syslog at all;
// - ENABLE_AUTO_IDS_EMAILS: block and unblock events are mailed.
// Notices a channel emits (the email limit) go to every other channel. With an enrichment queue,
// each alert asks for its lookups and carries whatever is already cached; only the mail waits.

export interface AlertGates {
  /** MIN_DANGER_LEVEL (default 1). */
  minDangerLevel: number
  /** EMAIL_ALERT_DANGER_LEVEL (default 1). */
  emailDangerLevel: number
  /** From ALERTING_METHODS: false with `noemail`. */
  email: boolean
  /** From ALERTING_METHODS: false with `nosyslog`. */
  syslog: boolean
  /** ENABLE_AUTO_IDS_EMAILS (default true). */
  autoIdsEmails: boolean
}

export const DEFAULT_GATES: AlertGates = { minDangerLevel: 1, emailDangerLevel: 1, email: true, syslog: true, autoIdsEmails: true }

/** Returns the email and syslog switches of an ALERTING_METHODS value (`ALL`, `noemail`, `nosyslog`, `noemail,nosyslog`); throws ConfigError. */
export function alertingMethods(text: string): Pick<AlertGates, 'email' | 'syslog'> {
  const out = { email: true, syslog: true }
  for (const word of text.split(/[\s,]+/).filter((w) => w !== '')) {
    const w = word.toLowerCase()
    if (w === 'all') continue
    else if (w === 'noemail') out.email = false
    else if (w === 'nosyslog') out.syslog = false
    else throw new ConfigError(`ALERTING_METHODS: '${word}' is not ALL, noemail or nosyslog`)
  }
  return out
}

export interface DispatcherOptions {
  channels: readonly Channel[]
  gates?: Partial<AlertGates>
  enrich?: EnrichQueue | null
  log: LogFn
}

export class Dispatcher {
  readonly channels: readonly Channel[]
  readonly gates: AlertGates
  private readonly pending: [WatchEvent, Channel | undefined][] = []
  private dispatching = false

  constructor(private readonly o: DispatcherOptions) {
    this.channels = o.channels
    this.gates = { ...DEFAULT_GATES, ...o.gates }
    const names = new Set<string>()
    for (const c of this.channels) {
      if (names.has(c.name)) throw new ConfigError(`two alert channels are both named '${c.name}'`, 'give each channel its own name')
      names.add(c.name)
      c.attach?.((e, from) => this.dispatch(e, from))
    }
  }

  /** True when ALERTING_METHODS leaves the channel on at all. */
  enabled(c: Channel): boolean {
    return !((c.kind === 'email' && !this.gates.email) || (c.kind === 'syslog' && !this.gates.syslog))
  }

  /** True when the gates let `e` through to `c`. */
  passes(c: Channel, e: WatchEvent): boolean {
    if (!this.enabled(c)) return false
    const g = this.gates
    switch (e.type) {
      case 'alert':
        if (e.dangerLevel < g.minDangerLevel) return false
        return (c.kind !== 'email' && c.kind !== 'exec') || e.dangerLevel >= g.emailDangerLevel
      case 'block':
      case 'unblock':
        return c.kind !== 'email' || (g.autoIdsEmails && e.dangerLevel >= g.emailDangerLevel)
      case 'notice':
        return true
    }
  }

  /** Hands `e` to every channel its gates let it through to (never `from`); never throws, never waits. */
  dispatch(e: WatchEvent, from?: Channel): void {
    // A notice a channel emits while taking an event goes out after that event has reached every
    // channel, so each channel sees the alert before the notice it caused.
    this.pending.push([e, from])
    if (this.dispatching) return
    this.dispatching = true
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) this.fanOut(...next)
    } finally {
      this.dispatching = false
    }
  }

  private fanOut(e: WatchEvent, from: Channel | undefined): void {
    let event = e
    if (e.type === 'alert' && e.dangerLevel >= this.gates.minDangerLevel && this.o.enrich != null) {
      const known = e.enrichment === undefined ? this.o.enrich.peek(e.ip) : null
      this.o.enrich.request(e.ip)
      if (known !== null) event = { ...e, enrichment: known }
    }
    for (const c of this.channels) {
      if (c === from || !this.passes(c, event)) continue
      try {
        c.send(event)
      } catch (err) {
        this.o.log('error', `${c.name}: failed to take an event (a bug): ${err instanceof Error ? err.message : String(err)}`)
      }
    }
  }

  /** Flushes every channel at once; resolves within `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    await Promise.all(this.channels.map((c) => c.flush(timeoutMs)))
  }

  /** Closes every channel (and the enrichment queue). */
  async close(): Promise<void> {
    this.o.enrich?.close()
    await Promise.all(this.channels.map((c) => c.close()))
  }

  /** The channels' counters by channel name, as plain JSON for the state file. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const c of this.channels) if (c.snapshot !== undefined) out[c.name] = c.snapshot()
    return out
  }

  /** Gives each channel back its part of a snapshot(); unknown names are ignored. */
  restore(state: unknown): void {
    if (state === null || typeof state !== 'object') return
    const s = state as Record<string, unknown>
    for (const c of this.channels) if (c.restore !== undefined && Object.hasOwn(s, c.name)) c.restore(s[c.name])
  }
}
