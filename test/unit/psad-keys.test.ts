import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { parsePsadConf, resolveEntries } from '../../src/config/psad-conf.js'
import { PSAD_KEYS } from '../../src/config/psad-keys.js'
import { applyConf } from '../../src/config/schema.js'
import { defaultSettings } from '../../src/config/settings.js'
import { tempDir } from '../helpers/cli.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const DEBIAN = '/etc/psad/psad.conf'

function load(text: string, file = 'psad.conf') {
  const settings = defaultSettings()
  const ignored = applyConf(settings, resolveEntries(parsePsadConf(text, file)))
  return { settings, ignored }
}

describe('psad.conf keys of psad 2.4.6 and 3.0', () => {
  test.skipIf(!existsSync(DEBIAN))("every key of Debian's psad 2.4.6 psad.conf is accepted", () => {
    const text = readFileSync(DEBIAN, 'utf8')
    const keys = [...text.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s+[^;\n]*;/gm)].map((m) => m[1]!)
    expect(keys.length).toBeGreaterThan(150)
    for (const k of keys) if (!k.endsWith('Cmd')) expect(PSAD_KEYS.has(k), k).toBe(true)
    expect(() => parsePsadConf(text, DEBIAN)).not.toThrow()
  })
  test.each([
    'REPUTATION_FEED', 'ENABLE_REPUTATION_FEEDS', 'REPUTATION_FEEDS_DIR', 'PSAD_TMP_DIR', 'ENABLE_WHOIS_LOOKUPS', 'ENABLE_DNS_LOOKUPS',
    'AUTO_DETECT_JOURNALCTL', 'ENABLE_FW_MSG_READ_CMD', 'PSAD_FW_READ_PID_FILE', 'ENABLE_EXT_BLOCK_SCRIPT_EXEC', 'IPT_AUTO_CHAIN3',
    'IPT_AUTO_CHAIN4', 'IPT_AUTO_CHAIN12',
  ])('psad 3.0 key %s is accepted', (key) => {
    expect(PSAD_KEYS.has(key)).toBe(true)
  })
  test('IPT_AUTO_CHAIN<n> needs a number from 1; unknown keys still fail with a suggestion', () => {
    expect(PSAD_KEYS.has('IPT_AUTO_CHAIN0')).toBe(false)
    expect(PSAD_KEYS.has('IPT_AUTO_CHAIN')).toBe(false)
    expect(() => load('REPUTATION_FEEDZ x;')).toThrow("psad.conf:1: unknown configuration key 'REPUTATION_FEEDZ'")
  })
  test('xxxCmd lines of 3.0 (pkillCmd, ssCmd) are accepted and reported as not used', () => {
    expect(load('pkillCmd /usr/bin/pkill;\nssCmd /bin/ss;').ignored).toEqual(['pkillCmd', 'ssCmd'])
  })
  test('REPUTATION_FEED repeats; each line is parsed and keeps its file:line', () => {
    const { settings, ignored } = load([
      'ENABLE_REPUTATION_FEEDS Y;',
      'REPUTATION_FEED "Feed one",4,IP,newline,1440,Y,feed-one,"/usr/bin/curl -o $LOCAL_FILE https://example.net/1.txt";',
      'REPUTATION_FEED "Feed two",5,IP,newline,0,N,/var/lib/lists/two.txt;',
    ].join('\n'))
    expect(settings.reputation.feeds.map((f) => [f.name, f.dl, f.localFile, f.entry])).toEqual([
      ['Feed one', 4, 'feed-one', 'psad.conf:2'],
      ['Feed two', 5, '/var/lib/lists/two.txt', 'psad.conf:3'],
    ])
    expect(settings.reputation.enabled).toBe(true)
    expect(ignored).toEqual([])
  })
  test('a REPUTATION_FEED we cannot use is a config error with file:line', () => {
    expect(() => load('\nREPUTATION_FEED "x",4,IP,CSV,0,N,x,"";')).toThrow("psad.conf:2: invalid REPUTATION_FEED: data format 'CSV': only newline is supported")
  })
  test('data-file keys: $VAR expansion, relative paths from the configuration directory, NONE', () => {
    const { settings } = load([
      'PSAD_CONF_DIR /etc/psad;',
      'AUTO_DL_FILE $PSAD_CONF_DIR/auto_dl;',
      'SNORT_RULE_DL_FILE rules/snort_rule_dl;',
      'SIGS_FILE NONE;',
    ].join('\n'), '/srv/conf/psad.conf')
    expect(settings.files).toMatchObject({ autoDl: '/etc/psad/auto_dl', snortRuleDl: '/srv/conf/rules/snort_rule_dl', signatures: null, p0f: null })
  })
  test('an ignored key set twice is listed once', async () => {
    const f = path.join(dir, 'twice.conf')
    writeFileSync(f, 'DSHIELD_ALERT_EMAIL a@b;\nDSHIELD_ALERT_EMAIL c@d;\nHOSTNAME h;\n')
    const c = await loadConfig(f)
    expect(c.ignoredKeys).toEqual(['DSHIELD_ALERT_EMAIL', 'HOSTNAME'])
    expect(c.entries.get('DSHIELD_ALERT_EMAIL')?.map((e) => e.line)).toEqual([1])
  })
})
