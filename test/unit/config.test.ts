import { describe, expect, test } from 'vitest'
import { parsePsadConf, resolveEntries } from '../../src/config/psad-conf.js'
import { applyConf } from '../../src/config/schema.js'
import { defaultSettings } from '../../src/config/settings.js'
import { ConfigError } from '../../src/core/errors.js'

function load(text: string) {
  const settings = defaultSettings()
  const ignored = applyConf(settings, resolveEntries(parsePsadConf(text, 'psad.conf')))
  return { settings, ignored }
}

describe('psad.conf', () => {
  test('KEY value; syntax, comments after ;, $VAR expansion, repeated FW_MSG_SEARCH', () => {
    const { settings, ignored } = load([
      '# comment',
      'DANGER_LEVEL1   6;   ### packets',
      'FW_SEARCH_ALL   N;',
      'FW_MSG_SEARCH   DROP;',
      'FW_MSG_SEARCH   REJECT;',
      'PSAD_DIR        /var/log/psad;',
      'FW_DATA_FILE    $PSAD_DIR/fwdata;',
      'HOME_NET        [10.0.0.0/8, 192.168.0.0/16];',
      'IGNORE_PORTS    tcp/61000-61356, udp/53;',
      'IGNORE_PROTOCOLS igmp, 47;',
      'IGNORE_INTERFACES eth1, eth0.1;',
      'IGNORE_LOG_PREFIXES ^ACCEPT;',
      'IGNORE_CONNTRACK_BUG_PKTS Y;',
      'ENABLE_IPV6_DETECTION N;',
    ].join('\n'))
    expect(settings.detection.dangerLevels[0]).toBe(6)
    expect(settings.filters.fwSearchAll).toBe(false)
    expect(settings.filters.fwMsgSearch).toEqual(['DROP', 'REJECT'])
    expect(settings.vars.HOME_NET).toBe('[10.0.0.0/8, 192.168.0.0/16]')
    expect(settings.filters.ignorePorts).toEqual([{ proto: 6, lo: 61000, hi: 61356 }, { proto: 17, lo: 53, hi: 53 }])
    expect(settings.filters.ignoreProtocols).toEqual([2, 47])
    expect(settings.filters.ignoreInterfaces).toEqual(['eth1', 'eth0.1'])
    expect(settings.filters.ignoreLogPrefixes?.source).toBe('^ACCEPT')
    expect(settings.detection.conntrack).toBe('ignore')
    expect(settings.filters.ipv6).toBe(false)
    expect(ignored).toEqual(['FW_DATA_FILE', 'PSAD_DIR'])
  })
  test('first definition wins, as in psad', () => {
    expect(load('DANGER_LEVEL1 6;\nDANGER_LEVEL1 7;').settings.detection.dangerLevels[0]).toBe(6)
  })
  test('unknown key: error naming file:line with the nearest known key', () => {
    const err = (() => {
      try {
        load('DANGER_LEVEL1 5;\nDANGER_LEVL2 15;')
      } catch (e) {
        return e as ConfigError
      }
      throw new Error('no error')
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.message).toBe("psad.conf:2: unknown configuration key 'DANGER_LEVL2'")
    expect(err.hint).toBe('did you mean DANGER_LEVEL2?')
    expect(err.exit).toBe(3)
  })
  test.each([
    ['DANGER_LEVEL1 five;', "psad.conf:1: invalid value 'five' for DANGER_LEVEL1: expected a whole number"],
    ['ENABLE_PERSISTENCE yes;', "psad.conf:1: invalid value 'yes' for ENABLE_PERSISTENCE: expected Y or N"],
    ['DANGER_LEVEL1 5', "psad.conf:1: missing ';' after the value of DANGER_LEVEL1"],
    ['IGNORE_PORTS tcp/70000;', 'psad.conf:1: invalid value'],
    ['IGNORE_PROTOCOLS bogus;', 'psad.conf:1: invalid value'],
    ['DANGER_LEVEL2 3;', 'DANGER_LEVEL2 (3) is lower than the level below it (5)'],
  ])('%j fails with file:line', (text, message) => {
    expect(() => load(text)).toThrow(message)
  })
})
