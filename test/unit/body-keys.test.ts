import { describe, expect, test } from 'vitest'
import { Key, KEY_NAMES, keyId, keyText } from '../../src/parse/body-keys.js'

// The keys and bare words of a netfilter log body: every one the kernel and ulogd print is known by
// its exact spelling, wherever it lies in the line; anything else, however close, is no key.

const known = new Set(KEY_NAMES.map(([name]) => name))

/** The id keyId gives `token` as it sits in a body, between other tokens. */
function idOf(token: string): Key {
  const b = Buffer.from(`IN=eth0 ${token}=1 SRC=192.0.2.1`, 'latin1')
  return keyId(b, 8, 8 + token.length)
}

/** Spellings one step away from a known key: other case, one byte changed, one byte short or long. */
function nearMisses(): string[] {
  const out = new Set<string>()
  for (const [name] of KEY_NAMES) {
    out.add(name.toLowerCase()).add(name.slice(0, -1)).add(name.slice(1)).add(`${name}S`).add(`X${name}`)
    for (let k = 0; k < name.length; k++) {
      out.add(`${name.slice(0, k)}X${name.slice(k + 1)}`)
      out.add(`${name.slice(0, k)}${name[k]!.toLowerCase()}${name.slice(k + 1)}`)
    }
  }
  return [...out].filter((t) => t !== '' && !known.has(t))
}

describe('body keys and words', () => {
  test.each(KEY_NAMES.map(([name, key]) => [name, key] as const))('%s is recognised as its own id', (name, key) => {
    expect(idOf(name)).toBe(key)
    expect(keyText(key)).toBe(name)
  })

  test('no spelling one step away from a key is taken for a key', () => {
    const misses = nearMisses()
    expect(misses.length).toBeGreaterThan(500)
    expect(misses.filter((t) => idOf(t) !== Key.None)).toEqual([])
  })

  test.each(['TYXE', 'PXOTO', 'WINDXW', 'HOPLIMXT', 'MACPXOTO', 'INCOMPLEXE', 'PARAMEXER', 'TRUNCAXED'])(
    '%s, a forgery that differs from a key only inside, is no key', (token) => {
      expect(idOf(token)).toBe(Key.None)
    })

  test.each(['INCOMPLETES', 'PARAMETERSS', 'MACPROTOMACPROTO', `I${'N'.repeat(256)}`, `SR${'X'.repeat(256)}C`])(
    'a token longer than every key (%#) is no key', (token) => {
      expect(idOf(token)).toBe(Key.None)
    })

  test('a key with no spelling is shown as ?', () => {
    expect(keyText(Key.None)).toBe('?')
  })
})
