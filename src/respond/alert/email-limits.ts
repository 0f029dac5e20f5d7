// psad's EMAIL_LIMIT and EMAIL_THROTTLE, as psad documents them rather than as its code behaves:
// - EMAIL_THROTTLE N mails 1 of every N alerts of a source (the 1st, the N+1th, ...); psad's code
//   instead suppresses 1 of every N.
// - EMAIL_LIMIT N: after N mails about a source (or a source and destination, with
//   ENABLE_EMAIL_LIMIT_PER_DST), the next alert that would have been mailed yields one "email limit
//   reached" status instead, and nothing more is mailed about it.
// - Only alerts that would have been mailed count: psad also counts alerts below
//   EMAIL_ALERT_DANGER_LEVEL, so users hit "limit reached" without ever getting a mail.
// The counters are state: `watch` saves snapshot() and gives it back to restore() after a restart.

export interface EmailLimitOptions {
  /** EMAIL_LIMIT: mails per source at most; 0 = no limit. */
  limit: number
  /** ENABLE_EMAIL_LIMIT_PER_DST: count per (source, destination). */
  perDst: boolean
  /** EMAIL_THROTTLE: mail 1 of every N alerts; 0 or 1 = every alert. */
  throttle: number
}

export type MailDecision = 'mail' | 'throttled' | 'limit-reached' | 'limited'

interface Counter {
  /** Alerts that passed the gates (would have been mailed without throttle and limit). */
  seen: number
  mailed: number
  limited: boolean
}

export interface EmailLimitState {
  v: 1
  /** [key, seen, mailed, limited (1/0)] */
  counters: [string, number, number, number][]
}

/** Counters kept at most; the oldest go first (a flood of one-off sources must not grow memory). */
const MAX_KEYS = 100_000

export class EmailLimits {
  private readonly counters = new Map<string, Counter>()

  constructor(private readonly o: EmailLimitOptions) {}

  /** Returns the counter key of an alert: the source, or source and destination with perDst. */
  key(ip: string, dst: string | null): string {
    return this.o.perDst && dst !== null ? `${ip} ${dst}` : ip
  }

  /** Counts one alert that passed the gates and returns what to do with it. */
  decide(ip: string, dst: string | null): MailDecision {
    const key = this.key(ip, dst)
    let c = this.counters.get(key)
    if (c === undefined) {
      if (this.counters.size >= MAX_KEYS) this.counters.delete(this.counters.keys().next().value!)
      c = { seen: 0, mailed: 0, limited: false }
      this.counters.set(key, c)
    }
    if (c.limited) return 'limited'
    c.seen++
    if (this.o.throttle > 1 && (c.seen - 1) % this.o.throttle !== 0) return 'throttled'
    if (this.o.limit > 0 && c.mailed >= this.o.limit) {
      c.limited = true
      return 'limit-reached'
    }
    c.mailed++
    return 'mail'
  }

  /** Returns the mails decided so far for the key of (ip, dst). */
  mailed(ip: string, dst: string | null): number {
    return this.counters.get(this.key(ip, dst))?.mailed ?? 0
  }

  /** Returns the counters as plain JSON. */
  snapshot(): EmailLimitState {
    return { v: 1, counters: [...this.counters].map(([k, c]) => [k, c.seen, c.mailed, c.limited ? 1 : 0]) }
  }

  /** Replaces the counters with a snapshot's; ignores anything that is not one. */
  restore(state: unknown): void {
    const s = state as EmailLimitState | null
    if (s === null || typeof s !== 'object' || s.v !== 1 || !Array.isArray(s.counters)) return
    this.counters.clear()
    for (const row of s.counters) {
      if (!Array.isArray(row) || typeof row[0] !== 'string') continue
      const [k, seen, mailed, limited] = row
      this.counters.set(k, { seen: Number(seen) || 0, mailed: Number(mailed) || 0, limited: limited === 1 })
    }
  }
}
