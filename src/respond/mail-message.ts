import type { ReportV1 } from '../report/model.js'
import { hostsText, periodText, windowText } from '../report/title.js'
import type { ReportMail } from './mail.js'
import type { MailPlan } from './mail-options.js'

// The report mail: the HTML report, the text report as its plain alternative, and a subject readable
// in a mailbox list: prefix, the firewall's syslog host(s), the time window, how many sources reached
// a danger level and the highest one. psad's status mails are `[psad-status] …`;
// ours default to `[portsleuth] …`. Times are local, like the --since/--until the window came from.

export interface SubjectInput {
  prefix: string
  /** The machine the report runs on: named only when no log line named its host. */
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

// The firewall the lines came from, not the machine the report ran on; that machine only when no
// line named a host (dmesg-style lines have none).
function hosts(i: SubjectInput): string {
  const named = hostsText(i.report)
  return named === '' ? i.hostname : named
}

function window(i: SubjectInput): string | null {
  if (i.since !== null) return windowText(i.since, i.until ?? i.now)
  return periodText(i.report, i.now)
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
  const head = [i.prefix, hosts(i), window(i)].filter((s) => s !== null && s !== '').join(' ')
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
