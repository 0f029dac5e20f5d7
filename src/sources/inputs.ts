import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { glob, isDynamicPattern } from 'tinyglobby'
import { rotationOrder } from './rotation.js'

/** One thing to read: a file, standard input, or the journal. */
export type Input =
  | { kind: 'file'; path: string }
  | { kind: 'stdin' }
  | { kind: 'journal'; since: number | null; until: number | null }

/** Returns a short human name for an input, as used in reports and error messages. */
export function inputName(input: Input): string {
  return input.kind === 'file' ? input.path : input.kind === 'stdin' ? '-' : 'journalctl -k'
}

/** An argument that named nothing readable; reported after the run (exit 4). `message` names the input. */
export interface InputProblem {
  input: string
  message: string
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'no such file or directory'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  return code ?? String(err)
}

/**
 * Expands arguments into inputs: `-` is standard input, a directory means its regular files, a
 * pattern is expanded (quoted globs work too), and each rotated set is put oldest first.
 */
export async function resolveInputs(args: readonly string[]): Promise<{ inputs: Input[]; problems: InputProblem[] }> {
  const files: string[] = []
  const problems: InputProblem[] = []
  const inputs: Input[] = []
  const flush = (): void => {
    for (const f of rotationOrder(files)) inputs.push({ kind: 'file', path: f })
    files.length = 0
  }
  for (const arg of args) {
    if (arg === '-') {
      flush()
      inputs.push({ kind: 'stdin' })
      continue
    }
    let info
    try {
      info = await stat(arg)
    } catch (err) {
      if (isDynamicPattern(arg)) {
        const matches = await glob(arg, { onlyFiles: true, absolute: false, expandDirectories: false })
        if (matches.length === 0) problems.push({ input: arg, message: `${arg}: no file matches this pattern` })
        files.push(...matches.sort())
      } else problems.push({ input: arg, message: `${arg}: ${describe(err)}` })
      continue
    }
    if (info.isDirectory()) {
      try {
        const entries = await readdir(arg, { withFileTypes: true })
        const inside = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => path.join(arg, e.name))
        if (inside.length === 0) problems.push({ input: arg, message: `${arg}: directory holds no files` })
        files.push(...inside.sort())
      } catch (err) {
        problems.push({ input: arg, message: `${arg}: ${describe(err)}` })
      }
    } else files.push(arg)
  }
  flush()
  return { inputs, problems }
}
