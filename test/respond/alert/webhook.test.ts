import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { fixedClock } from '../../helpers/clock.js'
import { ConfigError } from '../../../src/core/errors.js'
import { backoffMs, retryAfterMs, WebhookChannel, type WebhookOptions } from '../../../src/respond/alert/webhook.js'
import { blockEvent, firstAlert, HOSTILE } from '../../helpers/alert-events.js'

// The webhook channel against a real HTTP server on loopback.

interface Hit {
  headers: IncomingMessage['headers']
  body: string
  at: number
}

let server: Server | null = null
let channel: WebhookChannel | null = null
const hits: Hit[] = []
const logs: string[] = []
afterEach(async () => {
  await channel?.close()
  channel = null
  server?.closeAllConnections()
  await new Promise((r) => (server === null ? r(null) : server.close(r)))
  server = null
  hits.length = 0
  logs.length = 0
})

/** Starts a server whose n-th request (0-based) is answered by `answer(n, res)`. */
async function serve(answer: (n: number, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8').on('data', (d: string) => (body += d))
    req.on('end', () => {
      hits.push({ headers: req.headers, body, at: performance.now() })
      answer(hits.length - 1, res)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T0KEN?key=s3cret`
}

const reply = (status: number, headers: Record<string, string> = {}, body = '') => (res: ServerResponse) => {
  res.writeHead(status, headers)
  res.end(body)
}

function open(url: string, over: Partial<WebhookOptions> = {}): { ch: WebhookChannel; sleeps: number[] } {
  const sleeps: number[] = []
  channel = new WebhookChannel({
    url,
    log: (_l, m) => void logs.push(m),
    clock: fixedClock(Date.UTC(2026, 10, 22, 10, 0, 0)),
    random: () => 1,
    sleep: async (ms) => void sleeps.push(ms),
    ...over,
  })
  return { ch: channel, sleeps }
}

describe('WebhookChannel', () => {
  test('POSTs the event as JSON with an HMAC-SHA256 signature of the exact body', async () => {
    const url = await serve((_n, res) => reply(204)(res))
    const { ch } = open(url, { secret: 'k3y' })
    const e = firstAlert({ logPrefixes: { [HOSTILE]: 1 } })
    ch.send(e)
    await ch.flush(5000)
    expect(hits).toHaveLength(1)
    const [hit] = hits
    expect(hit!.headers['content-type']).toBe('application/json')
    expect(hit!.headers['x-portsleuth-signature']).toBe(`sha256=${createHmac('sha256', 'k3y').update(hit!.body).digest('hex')}`)
    expect(JSON.parse(hit!.body)).toEqual(e)
    expect(hit!.body).not.toMatch(/[\n\x1b\u202e]/)
    expect(logs).toEqual([])
  })

  test('no secret, no signature header', async () => {
    const url = await serve((_n, res) => reply(200)(res))
    const { ch } = open(url)
    ch.send(blockEvent())
    await ch.flush(5000)
    expect(hits[0]!.headers['x-portsleuth-signature']).toBeUndefined()
  })

  test('503 is retried with exponential back-off until it succeeds; logs name the origin only', async () => {
    const url = await serve((n, res) => reply(n < 2 ? 503 : 200, {}, 'down for maintenance')(res))
    const { ch, sleeps } = open(url, { backoffMs: [1000, 60_000] })
    ch.send(firstAlert())
    await ch.flush(5000)
    expect(hits).toHaveLength(3)
    expect(new Set(hits.map((h) => h.body)).size).toBe(1)
    expect(sleeps).toEqual([1000, 2000])
    const origin = new URL(url).origin
    expect(logs).toEqual([
      `webhook ${origin}: HTTP 503 Service Unavailable: down for maintenance (attempt 1 of 5); retrying in 1 s`,
      `webhook ${origin}: HTTP 503 Service Unavailable: down for maintenance (attempt 2 of 5); retrying in 2 s`,
    ])
    expect(logs.join()).not.toContain('T0KEN')
  })

  test('429 with Retry-After (seconds) waits that long; gives up after maxAttempts', async () => {
    const url = await serve((_n, res) => reply(429, { 'retry-after': '7' })(res))
    const { ch, sleeps } = open(url, { maxAttempts: 3, backoffMs: [100, 1000] })
    ch.send(blockEvent())
    await ch.flush(5000)
    expect(hits).toHaveLength(3)
    expect(sleeps).toEqual([7000, 7000])
    expect(logs.at(-1)).toMatch(/HTTP 429 Too Many Requests; block 203\.0\.113\.7 not delivered after 3 attempts$/)
  })

  test('a 4xx other than 429 is given up at once, with the status and the reply', async () => {
    const url = await serve((_n, res) => reply(400, {}, '{"error":"bad\nfield"}')(res))
    const { ch, sleeps } = open(url)
    ch.send(firstAlert())
    ch.send(blockEvent())
    await ch.flush(5000)
    expect(hits).toHaveLength(2)
    expect(sleeps).toEqual([])
    expect(logs[0]).toBe(`webhook ${new URL(url).origin}: HTTP 400 Bad Request: {"error":"bad field"}; alert 203.0.113.7 not delivered (not retried)`)
  })

  test('a server that never answers is retried after the per-request timeout', async () => {
    const url = await serve((n, res) => (n === 0 ? undefined : reply(200)(res)))
    const { ch } = open(url, { timeoutMs: 300 })
    ch.send(blockEvent())
    await ch.flush(5000)
    expect(hits).toHaveLength(2)
    expect(logs).toEqual([`webhook ${new URL(url).origin}: no answer within 0.3 s (attempt 1 of 5); retrying in 1 s`])
  })

  test('a refused connection is retried, then given up', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise((r) => probe.close(r))
    const { ch } = open(`http://127.0.0.1:${port}/x`, { maxAttempts: 2 })
    ch.send(blockEvent())
    await ch.flush(5000)
    expect(logs).toEqual([
      `webhook http://127.0.0.1:${port}: connection refused (attempt 1 of 2); retrying in 1 s`,
      `webhook http://127.0.0.1:${port}: connection refused; block 203.0.113.7 not delivered after 2 attempts`,
    ])
  })

  test('order is kept while one is retried; a full queue drops the oldest waiting event and says so', async () => {
    const url = await serve((n, res) => reply(n === 0 ? 503 : 200)(res))
    let wake: (() => void) | null = null
    const { ch } = open(url, { maxQueue: 2, sleep: () => new Promise<void>((r) => (wake = r)) })
    for (let i = 1; i <= 5; i++) ch.send(blockEvent({ target: `198.51.100.${i}` }))
    while (wake === null) await new Promise((r) => setTimeout(r, 10))
    expect(logs.filter((l) => l.includes('queue full'))).toHaveLength(2)
    ;(wake as () => void)()
    await ch.flush(5000)
    expect(hits.map((h) => JSON.parse(h.body).target)).toEqual(['198.51.100.1', '198.51.100.1', '198.51.100.4', '198.51.100.5'])
  })

  test('real back-off delays: retries are spaced by the back-off', async () => {
    const url = await serve((n, res) => reply(n < 2 ? 502 : 200)(res))
    const { ch } = open(url, { sleep: undefined, backoffMs: [100, 1000], random: () => 0 })
    ch.send(blockEvent())
    await ch.flush(5000)
    expect(hits).toHaveLength(3)
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(45)
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(95)
  })

  test('test() makes one attempt and rejects with the reason', async () => {
    const url = await serve((_n, res) => reply(401, {}, 'bad token')(res))
    const { ch } = open(url)
    await expect(ch.test(firstAlert({ test: true }))).rejects.toThrow('HTTP 401 Unauthorized: bad token')
    expect(hits).toHaveLength(1)
  })

  test('helpers: Retry-After as seconds or a date, equal-jitter back-off, URL validation', () => {
    const now = Date.UTC(2026, 10, 22, 10, 0, 0)
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000)
    expect(retryAfterMs('soon', now)).toBeNull()
    expect(backoffMs(1, [1000, 60_000], () => 0)).toBe(500)
    expect(backoffMs(3, [1000, 60_000], () => 1)).toBe(4000)
    expect(backoffMs(10, [1000, 60_000], () => 1)).toBe(60_000)
    expect(() => new WebhookChannel({ url: 'ftp://x/', log: () => {}, clock: fixedClock(0) })).toThrow(ConfigError)
    expect(() => new WebhookChannel({ url: 'not a url', log: () => {}, clock: fixedClock(0) })).toThrow("webhook url: 'not a url' is not a URL")
  })
})
