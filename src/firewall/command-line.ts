// Suggested commands are argv arrays (what a program would pass to execFile) shown as POSIX shell
// lines. Plain words stay bare; anything else is single-quoted, with `'` written as `'\''`, so a copied
// line gives the program exactly the argv. (Libraries such as shell-quote backslash-escape commas and
// colons, which hurts copying `RELATED,ESTABLISHED` by eye; the quoting rule itself is four lines.)

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Returns one argument quoted for a POSIX shell. */
export function shellArg(arg: string): string {
  return BARE.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`
}

/** Returns the shell line that runs `argv`. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(shellArg).join(' ')
}
