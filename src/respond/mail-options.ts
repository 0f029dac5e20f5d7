import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { ConfigError, UsageError } from '../core/errors.js'
import type { SmtpOptions, SmtpTls } from './mail.js'

// Turns what the user asked for (flags, the environment) into validated mail settings before any
// log is read, so a typo in an address or an unreadable password file fails at once, not after a
// 2 GB archive. The password never comes from a flag value (visible in `ps`): a file or the env.

export interface MailRequest {
  /** --mail values; each may be a comma-separated list. */
  to: readonly string[]
  from: string | undefined
  subjectPrefix: string
  host: string
  /** undefined: 25 for none, 587 for starttls, 465 for tls. */
  port: number | undefined
  tls: SmtpTls
  user: string | undefined
  passwordFile: string | undefined
  /** PORTSLEUTH_SMTP_PASSWORD; used only with a user and no password file. */
  envPassword: string | undefined
  /** This machine's name: default sender domain and part of the subject. */
  hostname: string
  timeoutMs: number
}

export interface MailPlan {
  smtp: SmtpOptions
  from: string
  to: string[]
  subjectPrefix: string
  hostname: string
}

const DEFAULT_PORT: Record<SmtpTls, number> = { none: 25, starttls: 587, tls: 465 }

// Deliberately simple: one @, no spaces, brackets, quotes or separators. Enough to catch typos and
// header tricks; the server has the last word on what it delivers to.
const ADDRESS = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+$/

/** Returns the addresses of --mail values (repeatable, comma lists); throws UsageError naming a bad one. */
export function parseRecipients(values: readonly string[]): string[] {
  const out: string[] = []
  for (const v of values) {
    for (const part of v.split(',')) {
      const a = part.trim()
      if (a === '') continue
      if (!ADDRESS.test(a)) throw new UsageError(`--mail: '${a}' is not a mail address`, 'give user@host, repeated or comma-separated')
      if (!out.includes(a)) out.push(a)
    }
  }
  if (out.length === 0) throw new UsageError('--mail: no address given')
  return out
}

/** Returns true for names and addresses that stay on this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (isIP(h) === 4) return h.startsWith('127.')
  return h === '::1' || h === '0:0:0:0:0:0:0:1'
}

async function readPassword(file: string): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(err))
    throw new ConfigError(`cannot read --smtp-password-file ${file}: ${why}`)
  }
  const password = text.replace(/\r?\n$/, '')
  if (password === '') throw new ConfigError(`--smtp-password-file ${file} is empty`)
  return password
}

/** Returns validated mail settings. Throws UsageError (addresses, flag combinations) or ConfigError (password file). */
export async function prepareMail(req: MailRequest): Promise<MailPlan> {
  const to = parseRecipients(req.to)
  const from = req.from ?? `portsleuth@${req.hostname}`
  if (!ADDRESS.test(from)) throw new UsageError(`--mail-from: '${from}' is not a mail address`)
  const host = req.host.trim()
  if (host === '') throw new UsageError('--smtp-host is empty')
  const user = req.user === undefined || req.user === '' ? null : req.user
  if (user === null && req.passwordFile !== undefined) throw new UsageError('--smtp-password-file needs --smtp-user')
  let password: string | null = null
  if (user !== null) {
    if (req.passwordFile !== undefined) password = await readPassword(req.passwordFile)
    else if (req.envPassword !== undefined && req.envPassword !== '') password = req.envPassword
    else throw new UsageError('--smtp-user needs a password', 'put it in a file for --smtp-password-file, or in PORTSLEUTH_SMTP_PASSWORD')
    if (req.tls === 'none' && !isLoopback(host)) {
      throw new UsageError(`refusing to send the SMTP password to ${host} without TLS`, 'use --smtp-tls starttls or --smtp-tls tls')
    }
  }
  return {
    smtp: { host, port: req.port ?? DEFAULT_PORT[req.tls], tls: req.tls, user, password, timeoutMs: req.timeoutMs },
    from,
    to,
    // A prefix is one header line: no control characters.
    subjectPrefix: req.subjectPrefix.replace(/[\u0000-\u001f\u007f]/g, ' ').trim(),
    hostname: req.hostname,
  }
}
