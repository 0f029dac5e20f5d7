import type { Clock } from '../../core/clock.js'
import type { EnrichmentV1 } from '../../report/model.js'
import { sendMail, type MailMessage, type SmtpOptions } from '../mail.js'
import { alertBody, alertSubject, blockMail, digestSubject, limitMail } from './alert-mail.js'
import type { Channel, LogFn } from './channel.js'
import { EmailLimits } from './email-limits.js'
import type { AlertEvent, WatchEvent } from './event.js'
import { BoundedQueue, IdleSignal } from './queue.js'

// Alert mail through the SMTP code of `report --mail` (text only). Mails go out one at a time from
// a bounded queue, so a slow or dead server holds up nothing but mail. Alerts pass EMAIL_THROTTLE
// and EMAIL_LIMIT (email-limits.ts) first; with a digest interval they are collected and sent as
// one mail per interval. A mail waits for its source's reverse DNS and whois at most
// `enrichWaitMs`, then goes with whatever has arrived. Block and unblock events become status
// mails; notices are not mailed (the email-limit notice is this channel's own status mail).

/** Where the email channel gets reverse DNS and whois (EnrichQueue); `wait` never rejects. */
export interface EnrichmentSource {
  wait(ip: string, ms: number): Promise<EnrichmentV1 | null>
}

export interface EmailChannelOptions {
  smtp: SmtpOptions
  from: string
  to: readonly string[]
  /** This machine's name, in the body. */
  hostname: string
  /** MAIL_ALERT_PREFIX (default `[portsleuth-alert]`). */
  prefix?: string
  /** MAIL_STATUS_PREFIX (default `[portsleuth-status]`). */
  statusPrefix?: string
  /** EMAIL_LIMIT (default 0: none). */
  limit?: number
  /** ENABLE_EMAIL_LIMIT_PER_DST (default false). */
  limitPerDst?: boolean
  /** EMAIL_LIMIT_STATUS_MSG (default true). */
  limitStatusMsg?: boolean
  /** EMAIL_THROTTLE (default 0: every alert). */
  throttle?: number
  /** Collect alerts and mail them as one digest per interval (default 0: one mail per alert). */
  digestMs?: number
  enrich?: EnrichmentSource | null
  /** How long a mail waits for enrichment (default 5 s; the lookup timeout is the natural value). */
  enrichWaitMs?: number
  clock: Clock
  log: LogFn
  /** Sends one message; default: SMTP to `smtp`. Rejects with the reason (DeliveryError names the server). */
  transport?: (mail: MailMessage) => Promise<unknown>
  /** Mails waiting to be sent at most (default 100). */
  maxQueue?: number
  name?: string
}

type Job = { kind: 'alerts'; events: AlertEvent[]; digest: boolean } | { kind: 'status'; subject: string; text: string }

export class EmailChannel implements Channel {
  readonly kind = 'email'
  readonly name: string
  private readonly limits: EmailLimits
  private readonly queue: BoundedQueue<Job>
  private readonly idle = new IdleSignal()
  private readonly transport: (mail: MailMessage) => Promise<unknown>
  private digest: AlertEvent[] = []
  private digestTimer: NodeJS.Timeout | null = null
  private busy = false
  private closed = false
  private emit: ((e: WatchEvent, from: Channel) => void) | null = null

  constructor(private readonly o: EmailChannelOptions) {
    this.name = o.name ?? 'email'
    this.limits = new EmailLimits({ limit: o.limit ?? 0, perDst: o.limitPerDst ?? false, throttle: o.throttle ?? 0 })
    this.queue = new BoundedQueue(o.maxQueue ?? 100)
    this.transport = o.transport ?? ((mail) => sendMail(o.smtp, mail, 'alert mail'))
  }

  attach(emit: (e: WatchEvent, from: Channel) => void): void {
    this.emit = emit
  }

  send(e: WatchEvent): void {
    if (this.closed) return
    if (e.type === 'block' || e.type === 'unblock') return this.enqueue({ kind: 'status', ...blockMail(e, this.statusPrefix) })
    if (e.type !== 'alert') return
    const dst = e.destinations[0]?.ip ?? null
    const decision = this.limits.decide(e.ip, dst)
    if (decision === 'limit-reached') {
      const about = this.o.limitPerDst === true ? dst : null
      this.emit?.({ type: 'notice', time: e.time, kind: 'email-limit', ip: e.ip, message: `email limit reached for src: ${e.ip}${about !== null ? ` dst: ${about}` : ''}` }, this)
      if (this.o.limitStatusMsg ?? true) this.enqueue({ kind: 'status', ...limitMail(e.ip, about, this.o.limit ?? 0, this.statusPrefix, this.o.hostname) })
      return
    }
    if (decision !== 'mail') return
    if ((this.o.digestMs ?? 0) <= 0) return this.enqueue({ kind: 'alerts', events: [e], digest: false })
    this.digest.push(e)
    this.digestTimer ??= setTimeout(() => this.sendDigest(), this.o.digestMs)
  }

  async test(e: WatchEvent): Promise<void> {
    if (e.type !== 'alert') {
      if (e.type === 'notice') throw new Error('notices are not mailed')
      const m = blockMail(e, this.statusPrefix)
      await this.transport(this.message(m.subject, m.text))
      return
    }
    await this.transport(this.message(alertSubject(e, this.alertPrefix), alertBody(e, { hostname: this.o.hostname })))
  }

  /** Sends the digest collected so far (if any), then waits for the queue as Channel.flush does. */
  async flush(timeoutMs: number): Promise<void> {
    this.sendDigest()
    await this.idle.until(() => this.queue.length === 0 && !this.busy, timeoutMs)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.digestTimer !== null) clearTimeout(this.digestTimer)
    const left = this.queue.clear() + (this.digest.length > 0 ? 1 : 0)
    this.digest = []
    if (left > 0) this.o.log('warn', `${this.name}: ${left} mail(s) not sent at close`)
  }

  snapshot(): unknown {
    return this.limits.snapshot()
  }

  restore(state: unknown): void {
    this.limits.restore(state)
  }

  private get alertPrefix(): string {
    return this.o.prefix ?? '[portsleuth-alert]'
  }

  private get statusPrefix(): string {
    return this.o.statusPrefix ?? '[portsleuth-status]'
  }

  private message(subject: string, text: string): MailMessage {
    return { from: this.o.from, to: this.o.to, subject, text, date: new Date(this.o.clock.now()) }
  }

  private sendDigest(): void {
    if (this.digestTimer !== null) clearTimeout(this.digestTimer)
    this.digestTimer = null
    if (this.digest.length === 0) return
    const events = this.digest
    this.digest = []
    this.enqueue({ kind: 'alerts', events, digest: true })
  }

  private enqueue(job: Job): void {
    if (this.queue.push(job) !== undefined) this.o.log('warn', `${this.name}: too many mails waiting; the oldest was dropped (${this.queue.dropped} so far)`)
    void this.run()
  }

  private async run(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      for (let job = this.queue.shift(); job !== undefined && !this.closed; job = this.queue.shift()) {
        try {
          await this.transport(await this.render(job))
        } catch (err) {
          this.o.log('error', `${this.name}: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
    } finally {
      this.busy = false
      this.idle.notify()
    }
  }

  private async render(job: Job): Promise<MailMessage> {
    if (job.kind === 'status') return this.message(job.subject, job.text)
    const wait = this.o.enrichWaitMs ?? 5000
    const enrich = this.o.enrich
    const events = enrich == null
      ? job.events
      : await Promise.all(job.events.map(async (e) => {
        const found = await enrich.wait(e.ip, wait)
        return found === null ? e : { ...e, enrichment: found }
      }))
    const body = (e: AlertEvent): string => alertBody(e, { hostname: this.o.hostname, mails: this.limits.mailed(e.ip, e.destinations[0]?.ip ?? null) })
    if (!job.digest) return this.message(alertSubject(events[0]!, this.alertPrefix), body(events[0]!))
    return this.message(digestSubject(events, this.alertPrefix), events.map(body).join('\n'))
  }
}
