import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { defaultWatchSettings, loadWatchSettings, parseWatchSettings } from '../../src/config/portsleuth-conf.js'
import { parseDuration } from '../../src/config/duration.js'

const dir = mkdtempSync(path.join(tmpdir(), 'psl-conf-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('portsleuth.conf', () => {
  test('every key, with $KEY references and a repeated ALLOW', () => {
    const s = parseWatchSettings([
      '# watch settings',
      'STATE_DIR        /var/lib/psl;',
      'SAVE_INTERVAL    10s;',
      'MAX_SOURCES      50000;',
      'WEBHOOK_URL      https://hooks.example.org/fw?x=1;',
      'WEBHOOK_SECRET_FILE $STATE_DIR/secret;',
      'SYSLOG_SOCKET    /run/systemd/journal/syslog;',
      'EMAIL_DIGEST     1h;',
      'SMTP_HOST        mail.example.org;',
      'SMTP_PORT        587;',
      'SMTP_TLS         starttls;',
      'MAIL_FROM        fw@example.org;',
      'ALLOW            192.0.2.0/24, 2001:db8::/32;',
      'ALLOW            198.51.100.7;',
      'BLOCK_BACKEND    ipset;',
      'BLOCK_IPV6_PREFIX 56;',
      'BLOCK_HOME_NET   Y;',
      'BLOCK_MAX        500;',
      'BLOCK_ON_EXIT    remove;',
      'XTABLES_LOCK     /run/xtables.lock;',
    ].join('\n'), 'portsleuth.conf')
    expect(s).toMatchObject({
      stateDir: '/var/lib/psl', saveInterval: 10, maxSources: 50000, webhookUrl: 'https://hooks.example.org/fw?x=1',
      webhookSecretFile: '/var/lib/psl/secret', syslogSocket: '/run/systemd/journal/syslog', emailDigest: 3600,
      smtp: { host: 'mail.example.org', port: 587, tls: 'starttls', user: null, passwordFile: null, from: 'fw@example.org' },
      blockBackend: 'ipset', blockIpv6Prefix: 56, blockHomeNet: true, blockMax: 500, blockOnExit: 'remove', xtablesLock: '/run/xtables.lock',
    })
    expect(s.allow.map((n) => n.text)).toEqual(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'])
  })

  test.each([
    ['WEBHOOK_URL ftp://x;', /portsleuth.conf:1: invalid value 'ftp:\/\/x' for WEBHOOK_URL: expected an http:\/\/ or https:\/\/ URL/],
    ['ALLOW 10.0.0.0/33;', /ALLOW: expected IPv4\/IPv6 addresses or networks/],
    ['BLOCK_BACKEND pf;', /BLOCK_BACKEND: expected nftables, iptables, ipset, dry-run/],
    ['STATE_DIR var/lib;', /STATE_DIR: expected an absolute path/],
    ['SAVE_INTERVAL soon;', /SAVE_INTERVAL: expected a duration/],
    ['WEBHOOK_URI https://x;', /unknown configuration key 'WEBHOOK_URI'/],
    ['BLOCK_IPV6_PREFIX 129;', /expected a whole number 32-128/],
  ])('%s is refused with file:line', (line, message) => {
    expect(() => parseWatchSettings(line, 'portsleuth.conf')).toThrow(message)
  })

  test('the default file may be absent; a named one must exist', async () => {
    expect((await loadWatchSettings(null)).settings).toEqual(defaultWatchSettings())
    await expect(loadWatchSettings(path.join(dir, 'missing.conf'))).rejects.toThrow(/missing.conf/)
    const f = path.join(dir, 'p.conf')
    writeFileSync(f, 'BLOCK_MAX 7;\n')
    expect((await loadWatchSettings(f)).settings.blockMax).toBe(7)
  })

  test('durations', () => {
    expect(['0', '90', '90s', '30m', '1h', '7d', '2w', ' 5m '].map(parseDuration)).toEqual([0, 90, 90, 1800, 3600, 604800, 1209600, 300])
    expect(['', '1.5h', '-1h', '1y', 'h'].map(parseDuration)).toEqual([null, null, null, null, null])
  })
})
