import { createHmac } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import { ConfigError } from '../../core/errors.js'
import type { Channel, LogFn } from './channel.js'
import type { WatchEvent } from './event.js'
import { BoundedQueue, IdleSignal } from './queue.js'
import { oneLine, safeJson } from './safe-text.js'

// Each event as a JSON POST (Node's fetch). With a secret, `X-Portsleuth-Signature: sha256=<hex>` is
// the HMAC-SHA256 of the exact body, as GitHub signs its webhooks, so the receiver can check it
// came from us. Events go one at a time, in order: a failed POST is retried, with exponential
// back-off and jitter, on network errors, timeouts, 5xx and 429 (Retry-After honoured), and given
// up at once on any other status (a 4xx will not get better). While one waits, the rest queue;
// the queue is bounded and drops its oldest event when full, counted and logged. Log messages
// name the server by origin only: webhook paths and queries often carry tokens.

export interface WebhookOptions {
  url: string
  /** HMAC key for X-Portsleuth-Signature; null/undefined: no signature. */
  secret?: string | null
  /** Per request, headers and body (default 5 s). */
  timeoutMs?: number
  /** Tries per event, the first included (default 5). */
  maxAttempts?: number
  /** Back-off before the 2nd try, and the longest back-off (default 1 s and 60 s). */
  backoffMs?: readonly [number, number]
  /** A longer Retry-After is cut to this (default 5 min). */
  maxRetryAfterMs?: number
  /** Events waiting at most (default 1,000). */
  maxQueue?: number
  log: LogFn
  /** For Retry-After dates. */
  clock: Clock
  /** Waits `ms`; rejects when `signal` aborts. Default: a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** In [0, 1); default Math.random. */
  random?: () => number
  name?: string
}

/** Returns the URL of a webhook; throws ConfigError unless it is absolute http(s). */
export function webhookUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError(`webhook url: '${oneLine(text, 200)}' is not a URL`, 'give an absolute http:// or https:// URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`webhook url: '${url.protocol}' is not http or https`, 'give an absolute http:// or https:// URL')
  return url
}

/** Returns `sha256=<hex>`: the HMAC-SHA256 of `body` under `secret`. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

/** Returns a Retry-After header (seconds or an HTTP date) as ms from `now`, or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

/** Returns the back-off before try `attempt + 1`: base·2^(attempt−1), capped, then "equal jitter" (half fixed, half random). */
export function backoffMs(attempt: number, [base, max]: readonly [number, number], random: () => number): number {
  const d = Math.min(max, base * 2 ** (attempt - 1))
  return Math.round(d / 2 + random() * (d / 2))
}

type Outcome = { ok: true } | { ok: false; retry: boolean; why: string; retryAfter: number | null }

const MAX_REPLY = 200

async function replySnippet(res: Response): Promise<string> {
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < MAX_REPLY * 4) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } catch {
    // The reply is only for the log message.
  } finally {
    void reader.cancel().catch(() => {})
  }
  const text = oneLine(Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim(), MAX_REPLY)
  return text === '' ? '' : `: ${text}`
}

function networkWhy(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`
  const code = e.cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'cannot resolve the host'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset'
  return oneLine(code ?? e.cause?.message ?? e.message ?? String(err), 200)
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop)
      resolve()
    }, ms)
    function stop(): void {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', stop, { once: true })
  })
}

export class WebhookChannel implements Channel {
  readonly kind = 'webhook'
  readonly name: string
  private readonly url: URL
  private readonly queue: BoundedQueue<WatchEvent>
  private readonly idle = new IdleSignal()
  private readonly stop = new AbortController()
  private busy = false

  /** Throws ConfigError for a URL that is not absolute http(s). */
  constructor(private readonly o: WebhookOptions) {
    this.url = webhookUrl(o.url)
    this.name = o.name ?? `webhook ${this.url.origin}`
    this.queue = new BoundedQueue(o.maxQueue ?? 1000)
  }

  send(e: WatchEvent): void {
    if (this.stop.signal.aborted) return
    if (this.queue.push(e) !== undefined) {
      this.o.log('warn', `${this.name}: queue full (${this.queue.capacity}); dropped the oldest event (${this.queue.dropped} so far)`)
    }
    void this.run()
  }

  async test(e: WatchEvent): Promise<void> {
    const r = await this.post(safeJson(e))
    if (!r.ok) throw new Error(r.why)
  }

  async flush(timeoutMs: number): Promise<void> {
    await this.idle.until(() => this.queue.length === 0 && !this.busy, timeoutMs)
  }

  async close(): Promise<void> {
    this.stop.abort(new Error('closed'))
    const left = this.queue.clear()
    if (left > 0) this.o.log('warn', `${this.name}: ${left} event(s) not sent at close`)
  }

  private async run(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      // The event being tried is out of the queue: a full queue drops the oldest waiting one.
      for (let e = this.queue.shift(); e !== undefined && !this.stop.signal.aborted; e = this.queue.shift()) await this.deliver(e)
    } finally {
      this.busy = false
      this.idle.notify()
    }
  }

  private async deliver(e: WatchEvent): Promise<void> {
    const body = safeJson(e)
    const max = Math.max(1, this.o.maxAttempts ?? 5)
    const what = `${e.type} ${'ip' in e && e.ip !== undefined ? e.ip : ''}`.trim()
    for (let attempt = 1; ; attempt++) {
      const r = await this.post(body)
      if (r.ok || this.stop.signal.aborted) return
      if (!r.retry) return this.o.log('error', `${this.name}: ${r.why}; ${what} not delivered (not retried)`)
      if (attempt >= max) return this.o.log('error', `${this.name}: ${r.why}; ${what} not delivered after ${max} attempts`)
      const backoff = backoffMs(attempt, this.o.backoffMs ?? [1000, 60_000], this.o.random ?? Math.random)
      const delay = Math.max(backoff, Math.min(r.retryAfter ?? 0, this.o.maxRetryAfterMs ?? 300_000))
      this.o.log('warn', `${this.name}: ${r.why} (attempt ${attempt} of ${max}); retrying in ${Math.round(delay / 100) / 10} s`)
      try {
        await (this.o.sleep ?? realSleep)(delay, this.stop.signal)
      } catch {
        return
      }
    }
  }

  private async post(body: string): Promise<Outcome> {
    const timeoutMs = this.o.timeoutMs ?? 5000
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'portsleuth' }
    if (this.o.secret != null && this.o.secret !== '') headers['x-portsleuth-signature'] = signature(body, this.o.secret)
    let res: Response
    try {
      res = await fetch(this.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stop.signal]) })
    } catch (err) {
      return { ok: false, retry: true, why: networkWhy(err, timeoutMs), retryAfter: null }
    }
    if (res.status >= 200 && res.status < 300) {
      void res.body?.cancel().catch(() => {})
      return { ok: true }
    }
    const status = `HTTP ${res.status}${res.statusText !== '' ? ` ${oneLine(res.statusText, 80)}` : ''}`
    const retryAfter = retryAfterMs(res.headers.get('retry-after'), this.o.clock.now())
    const why = res.status >= 300 && res.status < 400 ? `${status} (redirects are not followed)` : `${status}${await replySnippet(res)}`
    return { ok: false, retry: res.status >= 500 || res.status === 429, why, retryAfter }
  }
}
