import { SP } from './ascii.js'
import { bytesEqual } from './bytes.js'

// Month and weekday names as strftime's %b and %a print them, for the timestamps of `journalctl`
// (`%b %d %H:%M:%S`) and `dmesg -T` (`%a %b %e %H:%M:%S %Y`), which follow LC_TIME. English, then
// the abbreviations of glibc 2.36's locale data (abmon, abday) for German, French, Spanish, Italian,
// Brazilian Portuguese, Dutch, Chinese and Japanese, as `date +%b`/`%a` prints them in de_DE,
// fr_FR, es_ES, it_IT, pt_BR, nl_NL, zh_CN and ja_JP. Japanese pads months 1-9 with a space
// (` 1月`); the space is matched by the readers, not kept here. The same spelling never names two
// different months, so the locale need not be known.

interface Names {
  lang: string
  months: readonly string[]
  /** Sunday first, as struct tm's tm_wday. */
  weekdays: readonly string[]
}

const LOCALES: readonly Names[] = [
  { lang: 'en', months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'], weekdays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] },
  { lang: 'de', months: ['Jan', 'Feb', 'Mär', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez'], weekdays: ['So', 'Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa'] },
  { lang: 'fr', months: ['janv.', 'févr.', 'mars', 'avril', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'], weekdays: ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'] },
  { lang: 'es', months: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'], weekdays: ['dom', 'lun', 'mar', 'mié', 'jue', 'vie', 'sáb'] },
  { lang: 'it', months: ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'], weekdays: ['dom', 'lun', 'mar', 'mer', 'gio', 'ven', 'sab'] },
  { lang: 'pt', months: ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'], weekdays: ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'] },
  { lang: 'nl', months: ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'], weekdays: ['zo', 'ma', 'di', 'wo', 'do', 'vr', 'za'] },
  { lang: 'zh', months: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'], weekdays: ['日', '一', '二', '三', '四', '五', '六'] },
  { lang: 'ja', months: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'], weekdays: ['日', '月', '火', '水', '木', '金', '土'] },
]

interface Word {
  bytes: Uint8Array
  value: number
}

/** Names by their first byte, longest first (`mars` before `mar`), duplicates dropped. */
function index(pick: (n: Names) => readonly string[]): Word[][] {
  const seen = new Map<string, number>()
  for (const names of LOCALES) {
    pick(names).forEach((text, value) => {
      const known = seen.get(text)
      if (known !== undefined && known !== value) throw new Error(`'${text}' names two different values`)
      seen.set(text, value)
    })
  }
  const byFirst: Word[][] = Array.from({ length: 256 }, () => [])
  for (const [text, value] of seen) {
    const bytes = Buffer.from(text, 'utf8')
    byFirst[bytes[0]!]!.push({ bytes, value })
  }
  for (const list of byFirst) list.sort((a, b) => b.bytes.length - a.bytes.length)
  return byFirst
}

const MONTHS = index((n) => n.months)

/** Weekday names of every locale; the weekdays of one locale are a valid set, names may repeat across locales. */
const WEEKDAYS = LOCALES.map((n) => n.weekdays.map((w) => Buffer.from(w, 'utf8')))

/**
 * Reads a month name at i that a space follows: returns the month (0-11) and sets `end` on the
 * reader, or -1 when no known name is there.
 */
export class NameReader {
  /** Where the last name read ends. */
  end = 0

  /** The month named at i (0-11), followed by a space, or -1. */
  month(b: Uint8Array, i: number, limit: number): number {
    const first = b[i]
    if (first === undefined) return -1
    for (const w of MONTHS[first]!) {
      const e = i + w.bytes.length
      if (e < limit && b[e] === SP && bytesEqual(b, i, w.bytes)) {
        this.end = e
        return w.value
      }
    }
    return -1
  }

  /**
   * The weekdays (bit d for day d, 0 = Sunday) a name at i followed by a space can mean in the
   * known locales, 0 when it is none; `end` is set to the end of the longest such name.
   */
  weekdays(b: Uint8Array, i: number, limit: number): number {
    let mask = 0
    let longest = 0
    for (const names of WEEKDAYS) {
      for (let d = 0; d < 7; d++) {
        const w = names[d]!
        const e = i + w.length
        if (e < limit && b[e] === SP && bytesEqual(b, i, w)) {
          mask |= 1 << d
          if (w.length > longest) longest = w.length
        }
      }
    }
    this.end = i + longest
    return mask
  }
}
