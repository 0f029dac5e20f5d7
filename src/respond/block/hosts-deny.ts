import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { FirewallError } from '../../core/errors.js'
import type { BlockDecision, Blocker, BlockedEntry, Presence, UnblockRequest } from '../blocker.js'
import { presence } from '../blocker.js'
import { parseTarget, type Target } from './target.js'

// TCP wrappers (opt-in, as psad's TCPWRAPPERS_BLOCK_METHOD): an `ALL: <address>` line in
// /etc/hosts.deny refuses the target in every service built with libwrap. hosts_access(5) allows
// comments only on lines of their own, so each of our lines is preceded by a marker comment
// `# portsleuth block <cidr>`; only such pairs are ever changed, never an admin's own lines. The file
// is rewritten atomically (a temporary file in the same directory, then rename), keeping its mode.
// hosts.deny has no timeouts: the caller unblocks when the book says a block expired.

const MARK = '# portsleuth block '

/** The hosts_access(5) pattern of a target: `1.2.3.4`, `10.0.0.0/255.0.0.0`, `[2001:db8::1]`, `[2001:db8::]/64`. */
export function hostsPattern(t: Target): string {
  if (t.family === 6) return t.prefix === 128 ? `[${t.address}]` : `[${t.address}]/${t.prefix}`
  if (t.prefix === 32) return t.address
  const mask = [0, 1, 2, 3].map((i) => (0xff << (8 - Math.min(8, Math.max(0, t.prefix - i * 8)))) & 0xff)
  return `${t.address}/${mask.join('.')}`
}

function pair(t: Target): [string, string] {
  return [`${MARK}${t.cidr}`, `ALL: ${hostsPattern(t)}`]
}

/** Returns the targets of our marker pairs in hosts.deny text. */
export function parseHostsDeny(text: string): Target[] {
  const lines = text.split('\n')
  const out: Target[] = []
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith(MARK)) continue
    try {
      const t = parseTarget(lines[i]!.slice(MARK.length).trim())
      if (lines[i + 1] === pair(t)[1]) out.push(t)
    } catch {
      // A marker someone edited into something else: not ours any more, left alone.
    }
  }
  return out
}

/** Returns the text with our pair for `t` appended (unchanged when it is there). */
export function withBlock(text: string, t: Target): string {
  if (parseHostsDeny(text).some((x) => x.cidr === t.cidr)) return text
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`
  return `${body}${pair(t).join('\n')}\n`
}

/** Returns the text without our pair for `t` (or every pair of ours when `t` is null); other lines untouched. */
export function withoutBlock(text: string, t: Target | null): string {
  const lines = text.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.startsWith(MARK)) {
      try {
        const m = parseTarget(line.slice(MARK.length).trim())
        if ((t === null || m.cidr === t.cidr) && lines[i + 1] === pair(m)[1]) {
          i++
          continue
        }
      } catch {
        // not ours
      }
    }
    out.push(line)
  }
  return out.join('\n')
}

/** The Blocker over a hosts.deny file (TCP wrappers); throws FirewallError when the file cannot be read or replaced. */
export class HostsDenyBlocker implements Blocker {
  readonly backend = 'hosts.deny'
  readonly kernelTimeouts = false
  // One change at a time: each is a read-modify-write of the whole file.
  private queue: Promise<unknown> = Promise.resolve()

  constructor(readonly file = '/etc/hosts.deny') {}

  private async read(): Promise<string> {
    try {
      return await readFile(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ''
      throw new FirewallError(`cannot read ${this.file}: ${(e as Error).message}`)
    }
  }

  private async write(text: string): Promise<void> {
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.portsleuth-${randomBytes(6).toString('hex')}`)
    try {
      const mode = await stat(this.file).then((s) => s.mode & 0o7777, () => 0o644)
      const fh = await open(tmp, 'wx', mode)
      try {
        await fh.writeFile(text)
        await fh.sync()
      } finally {
        await fh.close()
      }
      await rename(tmp, this.file)
    } catch (e) {
      await rm(tmp, { force: true })
      throw new FirewallError(`cannot rewrite ${this.file}: ${(e as Error).message}`, 'the hosts.deny method needs write access to the file and its directory')
    }
  }

  private change(f: (text: string) => string): Promise<void> {
    const run = this.queue.then(async () => {
      const before = await this.read()
      const after = f(before)
      if (after !== before) await this.write(after)
    })
    this.queue = run.catch(() => {})
    return run
  }

  async init(): Promise<void> {}

  async block(d: BlockDecision): Promise<void> {
    const t = parseTarget(d.target)
    await this.change((text) => withBlock(text, t))
  }

  async unblock(r: UnblockRequest): Promise<void> {
    const t = parseTarget(r.target)
    await this.change((text) => withoutBlock(text, t))
  }

  async list(): Promise<BlockedEntry[]> {
    return parseHostsDeny(await this.read()).map((t) => ({ target: t.cidr, family: t.family, expiresIn: null }))
  }

  async present(targets: readonly string[]): Promise<Presence> {
    return presence(targets, new Set((await this.list()).map((e) => e.target)))
  }

  async shutdown(mode: 'keep' | 'remove'): Promise<void> {
    if (mode === 'remove') await this.change((text) => withoutBlock(text, null))
  }
}
