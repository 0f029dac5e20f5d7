import { PassThrough, Writable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import type { LogLevel } from '../../../src/respond/alert/channel.js'
import { JsonLinesChannel } from '../../../src/respond/alert/json-lines.js'
import { safeJson } from '../../../src/respond/alert/safe-text.js'
import { blockEvent, firstAlert, HOSTILE } from '../../helpers/alert-events.js'

function collector(highWaterMark: number): { out: PassThrough; text: () => string } {
  const out = new PassThrough({ highWaterMark })
  let text = ''
  return { out, text: () => text + String(out.read() ?? '') }
}

describe('JsonLinesChannel', () => {
  test('one whole line per event, in order, parseable back to the event', async () => {
    const { out, text } = collector(1 << 20)
    const ch = new JsonLinesChannel({ out, log: () => {} })
    const events = [firstAlert(), blockEvent(), blockEvent({ type: 'unblock' })]
    for (const e of events) ch.send(e)
    await ch.flush(1000)
    const lines = text().split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map((l) => JSON.parse(l))).toEqual(events)
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['alert', 'block', 'unblock'])
  })

  test('hostile text: no raw newline, ESC, C1 or bidi control in the output, and the value round-trips', async () => {
    const { out, text } = collector(1 << 20)
    const ch = new JsonLinesChannel({ out, log: () => {} })
    const hostile = `${HOSTILE}\u0085\u2028`
    ch.send(firstAlert({ logPrefixes: { [hostile]: 3 }, lines: [hostile] }))
    await ch.flush(1000)
    const raw = text()
    expect(raw.indexOf('\n')).toBe(raw.length - 1)
    expect(raw).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/)
    expect(raw).toContain('\\u202e')
    expect(JSON.parse(raw).lines[0]).toBe(hostile)
    expect(safeJson({ a: '\u0085' })).toBe('{"a":"\\u0085"}')
  })

  test('backpressure: lines wait for drain, none is split or interleaved; a full queue drops the oldest and says so', async () => {
    const chunks: string[] = []
    let release: (() => void) | null = null
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString())
        release = cb
      },
    })
    const logs: [LogLevel, string][] = []
    const ch = new JsonLinesChannel({ out: slow, log: (l, m) => void logs.push([l, m]), maxQueue: 3 })
    for (let i = 1; i <= 6; i++) ch.send(blockEvent({ target: `198.51.100.${i}` }))
    // The first line is in the stream; the rest wait: 5 for a queue of 3, so the 2 oldest go.
    expect(chunks).toHaveLength(1)
    expect(logs).toEqual([['warn', 'json: the reader is not keeping up; 1 oldest line(s) dropped so far']])
    const flushed = ch.flush(5000)
    for (let i = 0; i < 10 && release !== null; i++) {
      const r: () => void = release
      release = null
      r()
      await new Promise((res) => setImmediate(res))
    }
    await flushed
    expect(chunks.map((c) => JSON.parse(c).target)).toEqual(['198.51.100.1', '198.51.100.4', '198.51.100.5', '198.51.100.6'])
  })

  test('a broken stream (EPIPE) is logged once and later events are dropped quietly', async () => {
    const logs: string[] = []
    const bad = new Writable({ write: (_c, _e, cb) => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) })
    const ch = new JsonLinesChannel({ out: bad, log: (_l, m) => void logs.push(m) })
    ch.send(blockEvent())
    await new Promise((r) => setImmediate(r))
    ch.send(blockEvent())
    await ch.flush(500)
    expect(logs).toEqual(['json: cannot write events: write EPIPE; no more events are written there'])
    await expect(ch.test(blockEvent())).rejects.toThrow('cannot write events: write EPIPE')
  })
})
