import { describe, expect, test } from 'vitest'
import { parsePsadConf, resolveEntries } from '../../src/config/psad-conf.js'
import { applyConf } from '../../src/config/schema.js'
import { DEFAULT_CHAINS } from '../../src/config/auto-chain.js'
import { defaultSettings } from '../../src/config/settings.js'

// psad's daemon keys (alerting and auto-blocking) are acted on by `watch`: each is read, validated
// with file:line, and no longer reported as "accepted but not used".

function load(lines: string[]) {
  const settings = defaultSettings()
  const ignored = applyConf(settings, resolveEntries(parsePsadConf(lines.join('\n'), 'psad.conf')))
  return { settings, ignored }
}

describe('alerting keys', () => {
  test("psad's values are read and none is reported as unused", () => {
    const { settings, ignored } = load([
      'EMAIL_ADDRESSES root@localhost, fw@example.org;',
      'EMAIL_ALERT_DANGER_LEVEL 3;',
      'EMAIL_LIMIT 5;',
      'ENABLE_EMAIL_LIMIT_PER_DST Y;',
      'EMAIL_LIMIT_STATUS_MSG N;',
      'EMAIL_THROTTLE 4;',
      'ALERTING_METHODS noemail;',
      'SYSLOG_IDENTITY psad;',
      'SYSLOG_FACILITY LOG_LOCAL6;',
      'SYSLOG_PRIORITY LOG_NOTICE;',
      'ENABLE_SIG_MSG_SYSLOG N;',
      'SIG_MSG_SYSLOG_THRESHOLD 3;',
      'MAIL_ALERT_PREFIX [psad-alert];',
      'ENABLE_EXT_SCRIPT_EXEC Y;',
      'EXTERNAL_SCRIPT /usr/local/bin/alert SRCIP;',
      'EXEC_EXT_SCRIPT_PER_ALERT Y;',
      'ENABLE_DNS_LOOKUPS Y;',
      'ENABLE_WHOIS_LOOKUPS Y;',
      'WHOIS_TIMEOUT 20;',
    ])
    expect(ignored).toEqual([])
    expect(settings.alerts).toMatchObject({
      emailAddresses: ['root@localhost', 'fw@example.org'],
      emailDangerLevel: 3,
      emailLimit: 5,
      emailLimitPerDst: true,
      emailLimitStatusMsg: false,
      emailThrottle: 4,
      email: false,
      syslog: true,
      syslogIdentity: 'psad',
      syslogFacility: 'local6',
      syslogPriority: 'notice',
      signatureSyslog: false,
      signatureSyslogMax: 3,
      mailAlertPrefix: '[psad-alert]',
      externalScript: '/usr/local/bin/alert SRCIP',
      externalScriptPerAlert: true,
      dns: true,
      whois: true,
      whoisTimeout: 20,
    })
  })

  test("defaults: portsleuth's identity and subject prefix, no lookups, no script", () => {
    const { settings } = load([])
    expect(settings.alerts.syslogIdentity).toBe('portsleuth')
    expect(settings.alerts.mailAlertPrefix).toBe('[portsleuth-alert]')
    expect([settings.alerts.dns, settings.alerts.whois, settings.alerts.externalScript]).toEqual([false, false, null])
    expect(load(['ENABLE_EXT_SCRIPT_EXEC N;', 'EXTERNAL_SCRIPT /bin/true;']).settings.alerts.externalScript).toBeNull()
  })

  test.each([
    ['EMAIL_ADDRESSES root;', /psad.conf:1: invalid value 'root' for EMAIL_ADDRESSES: expected mail addresses/],
    ['SYSLOG_FACILITY LOG_LOCAL9;', /psad.conf:1: .*SYSLOG_FACILITY: expected a syslog facility/],
    ['SYSLOG_PRIORITY loud;', /SYSLOG_PRIORITY: expected a syslog priority/],
    ['SYSLOG_IDENTITY a b%s;', /SYSLOG_IDENTITY: expected a word/],
    ['ALERTING_METHODS nomail;', /ALERTING_METHODS: expected ALL, or noemail and\/or nosyslog/],
    ['ENABLE_EXT_SCRIPT_EXEC Y;', /ENABLE_EXT_SCRIPT_EXEC: expected EXTERNAL_SCRIPT to be set/],
    ['EMAIL_ALERT_DANGER_LEVEL 6;', /EMAIL_ALERT_DANGER_LEVEL: expected a whole number 1-5/],
  ])('%s is refused with file:line', (line, message) => {
    expect(() => load([line])).toThrow(message)
  })
})

describe('auto-blocking keys', () => {
  test('per-DL timeouts follow AUTO_BLOCK_TIMEOUT unless set; DL 5 is permanent by default', () => {
    expect(load([]).settings.blocking.timeouts).toEqual([3600, 3600, 3600, 3600, 0])
    const { settings, ignored } = load([
      'ENABLE_AUTO_IDS Y;',
      'AUTO_IDS_DANGER_LEVEL 3;',
      'AUTO_BLOCK_TIMEOUT 600;',
      'AUTO_BLOCK_DL1_TIMEOUT $AUTO_BLOCK_TIMEOUT;',
      'AUTO_BLOCK_DL4_TIMEOUT 7200;',
      'ENABLE_AUTO_IDS_REGEX Y;',
      'AUTO_BLOCK_REGEX ESTAB;',
      'ENABLE_AUTO_IDS_EMAILS N;',
      'TCPWRAPPERS_BLOCK_METHOD Y;',
      'ETC_HOSTS_DENY_FILE /tmp/hosts.deny;',
    ])
    expect(ignored).toEqual([])
    expect(settings.blocking).toMatchObject({ enabled: true, dangerLevel: 3, timeouts: [600, 600, 600, 7200, 0], emails: false, tcpWrappers: true, hostsDenyFile: '/tmp/hosts.deny' })
    expect(settings.blocking.prefixRegex?.source).toBe('ESTAB')
    expect(load(['AUTO_BLOCK_REGEX ESTAB;']).settings.blocking.prefixRegex).toBeNull()
  })

  test('IPT_AUTO_CHAIN<n> in order of n, the 5-field legacy form with positions 1', () => {
    expect(load([]).settings.blocking.chains).toEqual(DEFAULT_CHAINS)
    const { settings, ignored } = load([
      'IPT_AUTO_CHAIN2 DROP, both, filter, FORWARD, 2, PSAD_BLOCK_FORWARD, 3;',
      'IPT_AUTO_CHAIN1 REJECT, src, filter, INPUT, PSAD_BLOCK_INPUT;',
      'IPT_AUTO_CHAIN12 DROP, dst, filter, OUTPUT, 1, PSAD_OUT, 1;',
    ])
    expect(ignored).toEqual([])
    expect(settings.blocking.chains).toEqual([
      { target: 'REJECT', direction: 'src', table: 'filter', from: 'INPUT', jumpPosition: 1, chain: 'PSAD_BLOCK_INPUT', rulePosition: 1 },
      { target: 'DROP', direction: 'both', table: 'filter', from: 'FORWARD', jumpPosition: 2, chain: 'PSAD_BLOCK_FORWARD', rulePosition: 3 },
      { target: 'DROP', direction: 'dst', table: 'filter', from: 'OUTPUT', jumpPosition: 1, chain: 'PSAD_OUT', rulePosition: 1 },
    ])
  })

  test.each([
    ['IPT_AUTO_CHAIN1 DROP, sideways, filter, INPUT, 1, X, 1;', /^psad.conf:1: IPT_AUTO_CHAIN1: direction 'sideways' is not src, dst or both/],
    ['IPT_AUTO_CHAIN1 DROP, src, filter, INPUT, 1, INPUT, 1;', /from chain and to chain are both 'INPUT'/],
    ['IPT_AUTO_CHAIN1 DROP, src, filter, INPUT, 0, X, 1;', /jump rule position '0' is not a position/],
    ['IPT_AUTO_CHAIN1 DROP, src, filter, IN PUT, 1, X, 1;', /from chain 'IN PUT' is not a chain name/],
    ['IPT_AUTO_CHAIN1 DROP, src;', /expected 7 comma-separated fields/],
    ['AUTO_BLOCK_TIMEOUT -5;', /AUTO_BLOCK_TIMEOUT: expected a whole number/],
    ['AUTO_IDS_DANGER_LEVEL 0;', /AUTO_IDS_DANGER_LEVEL: expected a whole number 1-5/],
    ['ETC_HOSTS_DENY_FILE hosts.deny;', /expected an absolute path/],
  ])('%s is refused', (line, message) => {
    expect(() => load([line])).toThrow(message)
  })
})
