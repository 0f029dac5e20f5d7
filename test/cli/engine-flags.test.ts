import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { cliJson } from '../helpers/cli.js'
import { CAPTURES } from '../helpers/golden.js'

// The analysis flags that change what is scored reach the engine through the plan.

const capture = (name: string): string => path.join(CAPTURES, name)

describe('--no-flood-scoring', () => {
  test("gives psad's verdict on a flood on one port: no danger level, so no source", () => {
    const flood = cliJson(['analyze', capture('ssh-flood.log')]).report
    expect(flood.sources.map((s: { ip: string; dangerLevel: number }) => [s.ip, s.dangerLevel])).toEqual([['10.77.0.1', 3]])
    expect(flood.sources[0].findings[0].kind).toBe('flood')
    const psad = cliJson(['analyze', '--no-flood-scoring', capture('ssh-flood.log')]).report
    expect(psad.sources).toEqual([])
    expect(psad.summary.packets).toBe(400)
  })
})

describe('--include-allowed', () => {
  test('scores the packets ufw audited and allowed, which are counted apart by default', () => {
    const plain = cliJson(['analyze', capture('ufw-actions.log')]).report
    const all = cliJson(['analyze', '--include-allowed', capture('ufw-actions.log')]).report
    expect(plain.summary.skipped.audit).toBeGreaterThan(0)
    expect(all.summary.skipped.audit).toBeUndefined()
    expect(all.summary.packets).toBe(plain.summary.skipped.audit)
    expect(all.sources[0].logPrefixes).toEqual({ '[UFW AUDIT]': plain.summary.skipped.audit })
  })
})
