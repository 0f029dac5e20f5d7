import type { ReportV1 } from '../report/model.js'
import type { ReportMail } from './mail.js'
import type { MailPlan } from './mail-options.js'

// The report mail: the HTML report, the text report as its plain alternative, and a subject readable in a mailbox list: prefix, host, the time window, how many
// sources reached a danger level and the highest one. psad's status mails are `[psad-status] …`;
// ours default to `[portsleuth] …`. Times are local, like the --since/--until the window came from.

export interface SubjectInput {
  prefix: string
  hostname: string
  /** The window asked for (epoch ms), null when open. */
  since: number | null
  until: number | null
  /** When the report was made; the end of a window with no --until. */
  now: number
  report: ReportV1
  /** Inputs that could not be read; a subject that hides them would look like a quiet day. */
  inputErrors: number
}

const pad = (n: number): string => String(n).padStart(2, '0')
const day = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`

function isMidnight(d: Date): boolean {
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0
}

/** Returns a window as `2026-11-21` (one whole local day), `2026-11-21 08:00..17:30` or `2026-11-20 08:00..2026-11-21 08:00`. */
export function windowText(start: number, end: number): string {
  const a = new Date(start)
  const b = new Date(end)
  const nextDay = new Date(a.getFullYear(), a.getMonth(), a.getDate() + 1)
  if (isMidnight(a) && b.getTime() === nextDay.getTime()) return day(a)
  if (day(a) === day(b)) return `${day(a)} ${clock(a)}..${clock(b)}`
  return `${day(a)} ${clock(a)}..${day(b)} ${clock(b)}`
}

function window(i: SubjectInput): string | null {
  if (i.since !== null) return windowText(i.since, i.until ?? i.now)
  const first = i.report.summary.firstSeen
  const last = i.report.summary.lastSeen
  if (first === null || last === null) return null
  return windowText(Date.parse(first), Date.parse(last))
}

/** Returns the mail subject for a report. */
export function reportSubject(i: SubjectInput): string {
  const levels = i.report.summary.dangerLevels
  const present = ([5, 4, 3, 2, 1] as const).filter((l) => levels[l] > 0)
  const sources = present.reduce((n, l) => n + levels[l], 0)
  const counts =
    present.length === 0
      ? 'no scanning sources'
      : `${sources} source${sources === 1 ? '' : 's'}, highest DL ${present[0]} (${present.map((l) => `DL${l}: ${levels[l]}`).join(', ')})`
  const errors = i.inputErrors > 0 ? `, ${i.inputErrors} unreadable input${i.inputErrors === 1 ? '' : 's'}` : ''
  const head = [i.prefix, i.hostname, window(i)].filter((s) => s !== null && s !== '').join(' ')
  return `${head}: ${counts}${errors}`
}

/** Returns the mail for a report: HTML and text are the full renderings, made by the caller. */
export function reportMail(plan: MailPlan, parts: { text: string; html: string }, subject: Omit<SubjectInput, 'prefix' | 'hostname'>): ReportMail {
  return {
    from: plan.from,
    to: plan.to,
    subject: reportSubject({ ...subject, prefix: plan.subjectPrefix, hostname: plan.hostname }),
    text: parts.text,
    html: parts.html,
    date: new Date(subject.now),
  }
}
