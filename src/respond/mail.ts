import nodemailer from 'nodemailer'
import { DeliveryError } from './mail-error.js'

// Sends the report by SMTP: the HTML report as the rich part and the text report as the plain part of
// one multipart/alternative message; alert mails are text only (sendMail). What went wrong (which
// server, which step, the server's reply) becomes a DeliveryError; the caller has already written
// its report files by then.

/** none: never TLS (STARTTLS is ignored even if offered); starttls: required upgrade; tls: implicit TLS (smtps). */
export const SMTP_TLS = ['none', 'starttls', 'tls'] as const
export type SmtpTls = (typeof SMTP_TLS)[number]

export interface SmtpOptions {
  host: string
  port: number
  tls: SmtpTls
  /** null: no AUTH. */
  user: string | null
  password: string | null
  /** Limit for connecting, the greeting and each later wait. */
  timeoutMs: number
}

export interface ReportMail {
  from: string
  to: readonly string[]
  subject: string
  text: string
  html: string
  /** The Date header (from the caller's clock). */
  date: Date
}

/** A message of any kind: text only when `html` is absent. */
export type MailMessage = Omit<ReportMail, 'html'> & { html?: string }

export interface Delivery {
  messageId: string
  accepted: string[]
  /** The server's reply to the end of DATA. */
  response: string
}

interface SmtpFailure extends Error {
  code?: string
  originalCode?: string
  command?: string
  response?: string
  timeoutType?: string
  recipient?: string
  rejected?: string[]
  rejectedErrors?: SmtpFailure[]
}

/** Returns `smtp://host:port` with the TLS mode, as used in messages. */
export function serverName(o: Pick<SmtpOptions, 'host' | 'port' | 'tls'>): string {
  const host = o.host.includes(':') ? `[${o.host}]` : o.host
  return `${o.tls === 'tls' ? 'smtps' : 'smtp'}://${host}:${o.port}${o.tls === 'starttls' ? ' (STARTTLS)' : ''}`
}

const TIMEOUT: Record<string, string> = {
  CONNECT_TIMEOUT: 'connecting',
  GREETING_TIMEOUT: 'waiting for the greeting',
  UPGRADE_TIMEOUT: 'upgrading to TLS',
  SOCKET_TIMEOUT: 'waiting for a reply',
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim()

/** Returns what failed, in words, and a hint, from a nodemailer error. */
export function describeFailure(err: SmtpFailure, o: SmtpOptions): { what: string; hint?: string } {
  const reply = err.response === undefined ? '' : `: ${oneLine(err.response)}`
  switch (err.code) {
    case 'EDNS':
      return { what: `cannot resolve ${o.host}`, hint: 'check --smtp-host' }
    case 'ETIMEDOUT':
      return { what: `timed out ${TIMEOUT[err.timeoutType ?? ''] ?? 'waiting for the server'}`, hint: 'are the host and port right, and does a firewall let SMTP out?' }
    case 'ETLS':
      return { what: `TLS failed: ${oneLine(err.message)}`, hint: o.tls === 'starttls' ? 'the server may not offer STARTTLS: try --smtp-tls tls, or none for a local MTA' : 'check --smtp-tls and the port' }
    case 'EAUTH':
      return { what: `authentication as '${o.user ?? ''}' refused${reply}`, hint: 'check --smtp-user and the password in --smtp-password-file or PORTSLEUTH_SMTP_PASSWORD' }
    case 'ENOAUTH':
      return { what: 'the server wants authentication and no password was given', hint: 'give --smtp-password-file or PORTSLEUTH_SMTP_PASSWORD' }
    case 'EENVELOPE': {
      const refused = (err.rejectedErrors ?? []).map((e) => `${e.recipient ?? '?'} (${oneLine(e.response ?? e.message)})`)
      if (refused.length > 0) return { what: `every recipient refused: ${refused.join(', ')}`, hint: 'check --mail' }
      return { what: `${err.command ?? 'envelope'} refused${reply}`, hint: err.command === 'MAIL FROM' ? 'check --mail-from' : undefined }
    }
    case 'EMESSAGE':
      return { what: `the message was refused after DATA${reply}` }
  }
  if (err.originalCode === 'ECONNREFUSED') return { what: 'connection refused', hint: 'is an SMTP server listening there? set --smtp-host and --smtp-port' }
  if (err.originalCode === 'ECONNRESET' || err.code === 'ECONNECTION') return { what: `the connection was closed${reply || `: ${oneLine(err.message)}`}` }
  return { what: `${err.command !== undefined ? `${err.command} failed` : 'failed'}${reply || `: ${oneLine(err.message)}`}` }
}

/**
 * Sends one report mail and returns what the server accepted. Throws DeliveryError when the server
 * cannot be reached, refuses authentication, the sender, any recipient, or the message.
 */
export async function sendReportMail(o: SmtpOptions, mail: ReportMail): Promise<Delivery> {
  return sendMail(o, mail, 'report mail')
}

/** Sends one message (`what` names it in errors: `alert mail`); throws DeliveryError as sendReportMail does. */
export async function sendMail(o: SmtpOptions, mail: MailMessage, what: string): Promise<Delivery> {
  const transport = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.tls === 'tls',
    requireTLS: o.tls === 'starttls',
    ignoreTLS: o.tls === 'none',
    auth: o.user === null ? undefined : { user: o.user, pass: o.password ?? '' },
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    // Longer, so a server that never greets is reported as that rather than as an idle socket.
    socketTimeout: 2 * o.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  const server = serverName(o)
  try {
    const info = await transport.sendMail({
      from: mail.from,
      to: [...mail.to],
      subject: mail.subject,
      text: mail.text,
      ...(mail.html === undefined ? {} : { html: mail.html }),
      date: mail.date,
    })
    if (info.rejected.length > 0) {
      // Some recipients got it; still a failure, because the others did not and cron should say so.
      const errors = ((info as { rejectedErrors?: SmtpFailure[] }).rejectedErrors ?? []).map((e) => `${e.recipient ?? '?'} (${oneLine(e.response ?? e.message)})`)
      throw new DeliveryError(
        `could not deliver the ${what} via ${server} to every recipient: refused ${errors.length > 0 ? errors.join(', ') : info.rejected.join(', ')}; delivered to ${info.accepted.join(', ')}`,
        'check --mail',
      )
    }
    return { messageId: info.messageId, accepted: info.accepted.map(String), response: info.response }
  } catch (err) {
    if (err instanceof DeliveryError) throw err
    const { what: failure, hint } = describeFailure(err as SmtpFailure, o)
    throw new DeliveryError(`could not deliver the ${what} via ${server}: ${failure}`, hint)
  } finally {
    transport.close()
  }
}
